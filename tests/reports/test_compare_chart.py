"""The comparison chart tells the weeks apart (issue 17): each week has its own colour, pattern
and number, and the legend names every week in full enough that two names differing only in
their year stay different — on the page, for a screen reader and in print."""
from __future__ import annotations

from collections import defaultdict
from html import unescape

from exhibit.reports.charts import COLOURS, Box, Text, drawing, layout, svg
from exhibit.reports.figures import Chart
from tests.reports.conftest import BINH_THUAN, DAK_LAK, sign_in

YEARS = range(2020, 2026)
NAME = "Tuần lễ triển lãm sản phẩm đặc trưng, sản phẩm OCOP tỉnh Bình Thuận năm {}"


def six_weeks(name: str = NAME) -> Chart:
    return Chart(["Đơn vị trưng bày", "Khách tham quan"],
                 [(name.format(year), [10 + i, 1000 + 100 * i]) for i, year in enumerate(YEARS)])


def legend(drawn) -> tuple[list[Box], dict[int, str]]:
    """The legend's swatches (top to bottom) and the text beside each, by swatch index: the
    shapes before the first label of the bars."""
    first_label = next(i for i, s in enumerate(drawn.shapes) if isinstance(s, Text) and s.x == 0)
    shapes = drawn.shapes[:first_label]
    swatches = [s for s in shapes if isinstance(s, Box) and s.rounded]
    texts: dict[int, str] = defaultdict(str)
    for shape in shapes:
        if isinstance(shape, Text):
            index = max(i for i, box in enumerate(swatches) if box.y <= shape.y)
            texts[index] = f"{texts[index]} {shape.text}".strip()
    return swatches, texts


def marks_over(drawn, box: Box) -> frozenset:
    """The white pattern marks inside a box, relative to its corner."""
    return frozenset((round(s.x - box.x, 1), round(s.y - box.y, 1), s.width, s.height)
                     for s in drawn.shapes if isinstance(s, Box) and s.colour == "#ffffff"
                     and box.x <= s.x < box.x + box.width and box.y <= s.y < box.y + box.height)


def test_six_weeks_have_six_looks_and_the_legend_names_each_with_its_year():
    for width in (360, 600):  # the page's SVG and the PDF's layout
        drawn = layout(six_weeks(), width=width)
        swatches, texts = legend(drawn)
        assert len(swatches) == 6
        looks = {(box.colour, marks_over(drawn, box)) for box in swatches}
        assert len(looks) == 6
        assert len({marks_over(drawn, box) for box in swatches}) == 6  # apart in greyscale too
        assert [box.colour for box in swatches] == list(COLOURS)
        for i, year in enumerate(YEARS):
            assert texts[i].startswith(f"{i + 1} · Tuần lễ") and texts[i].endswith(str(year))


def test_every_bar_has_its_weeks_colour_and_number():
    drawn = layout(six_weeks(), width=360)
    values = [s.text for s in drawn.shapes if isinstance(s, Text) and s.anchor == "end"]
    assert values == [f"{i + 1} · {10 + i}" for i in range(6)] + [
        f"{i + 1} · {1000 + 100 * i:,}".replace(",", ".") for i in range(6)]
    first_label = next(i for i, s in enumerate(drawn.shapes) if isinstance(s, Text) and s.x == 0)
    bars = [s for s in drawn.shapes[first_label:] if isinstance(s, Box) and s.colour in COLOURS]
    assert [b.colour for b in bars] == list(COLOURS) * 2


def test_names_too_long_for_two_lines_keep_their_ends():
    long = "Tuần lễ giới thiệu sản phẩm OCOP, đặc sản vùng miền và làng nghề truyền thống " \
           "gắn với du lịch và kết nối cung cầu của thành phố Hà Nội và các tỉnh năm {}"
    _swatches, texts = legend(layout(six_weeks(long), width=360))
    assert len(set(texts.values())) == 6
    assert all("…" in texts[i] and texts[i].endswith(str(year)) for i, year in enumerate(YEARS))


def test_one_series_has_no_legend_and_plain_values():
    drawn = layout(Chart(["A", "B"], [("Gian hàng", [3, 5])]), width=360)
    assert [s.text for s in drawn.shapes if isinstance(s, Text)] == ["A", "3", "B", "5"]
    assert not any(isinstance(s, Box) and s.colour == "#ffffff" for s in drawn.shapes)


def test_the_svg_names_the_weeks_for_a_screen_reader_and_the_pdf_draws_the_same():
    chart = six_weeks()
    picture = str(svg(chart, "So sánh các tuần"))
    label = unescape(picture.split("aria-label=", 1)[1].split(">", 1)[0])
    for i, year in enumerate(YEARS):
        assert f"{i + 1} · {NAME.format(year)}" in label
    assert drawing(chart, 400).width == 400


def test_the_compare_page_legend_names_both_weeks(demo):
    client = sign_in(demo)
    html = client.get(f"/organiser/compare?week={BINH_THUAN}&week={DAK_LAK}").get_data(as_text=True)
    label = unescape(html.split('<svg class="chart"', 1)[1].split("aria-label=", 1)[1]
                     .split(">", 1)[0])
    assert "1 · Tuần lễ triển lãm sản phẩm đặc trưng, sản phẩm OCOP tỉnh Bình Thuận năm 2024" in label
    assert "2 · Tuần lễ triển lãm và Hội nghị kết nối cung – cầu" in label
    chart = html.split('<svg class="chart"', 1)[1].split("</svg>", 1)[0]
    assert chart.count('width="30.0"') == 2  # two legend swatches
    assert 'fill="#ffffff"' in chart  # the second week's pattern
