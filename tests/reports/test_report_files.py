"""The week report as XLSX and PDF (pages and API), in Vietnamese and English; the exports;
several weeks compared."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.printed import pdftotext, unembedded_fonts
from tests.reports.conftest import BINH_THUAN, DAK_LAK, ORGANISER, read_figures, sign_in


def _workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def _set_locale(demo, email: str, locale: str | None) -> None:
    from sqlalchemy import select

    from exhibit.accounts.models import User
    from exhibit.core.db import write_transaction
    from exhibit.extensions import db
    with write_transaction():
        db.session.scalar(select(User).where(User.email == email)).locale = locale


@pytest.fixture
def english_organiser(demo):
    _set_locale(demo, ORGANISER, "en")
    yield
    _set_locale(demo, ORGANISER, None)


def test_workbook_figures_match_the_dashboard(demo):
    client = sign_in(demo)
    figures = read_figures(client.get(f"/organiser/weeks/{DAK_LAK}/dashboard").get_data(as_text=True))
    response = client.get(f"/organiser/weeks/{DAK_LAK}/report.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f"bao-cao-{DAK_LAK}.xlsx" in response.headers["Content-Disposition"]
    book = _workbook(response.data)
    assert book.sheetnames[0] == "Tổng quan"
    summary = book["Tổng quan"]
    assert summary.freeze_panes == "A2"
    values = [row[1] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert values == list(figures["kpis"].values())
    titles = [row[0] for row in summary.iter_rows(min_row=2, values_only=True)]
    mou_value = summary.cell(row=titles.index("Giá trị dự kiến của các biên bản ghi nhớ đã ký") + 2,
                             column=2)
    assert isinstance(mou_value.value, int) and mou_value.number_format == "#,##0"

    sheet = book["Thanh toán"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:2] == ["Tình trạng", "Số đơn vị"]
    total = [c for c in sheet[sheet.max_row]]
    assert total[0].value == "Tổng cộng"
    assert [c.value for c in total[1:]] == figures["payments"]["total"]
    assert total[2].number_format == "#,##0" and isinstance(total[2].value, int)
    booths = book["Gian hàng"]
    assert [c.value for c in booths[booths.max_row]][1:] == figures["booths"]["total"]
    assert len(book.sheetnames) == 1 + len([k for k in figures if k != "kpis"])


def test_report_pdf_is_a_formal_vietnamese_report(demo):
    response = sign_in(demo).get(f"/organiser/weeks/{DAK_LAK}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdftotext(response.data)
    for expected in ("TRUNG TÂM XÚC TIẾN THƯƠNG MẠI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "/BC-ITPC", "TP. Hồ Chí Minh, ngày",
                     "BÁO CÁO", "I. Tổng quan", "II. Số liệu chi tiết", "Kết quả tổ chức Tuần lễ triển lãm và Hội nghị kết nối cung",
                     "Số doanh nghiệp tham gia", "Biên bản ghi nhớ theo tình trạng",
                     "3.300.000.000", "Thanh toán đến hạn và quá hạn", "ĐẠI DIỆN BAN TỔ CHỨC"):
        assert expected in text, expected
    assert "Số liệu do exhibit tổng hợp" in text
    assert unembedded_fonts(response.data) == set()


def test_english_interface_gets_english_report_files(demo, english_organiser):
    client = sign_in(demo)
    html = client.get(f"/organiser/weeks/{BINH_THUAN}/dashboard").get_data(as_text=True)
    assert "Businesses taking part" in html and "Booths by status" in html
    pdf = client.get(f"/organiser/weeks/{BINH_THUAN}/report.pdf")
    text = pdftotext(pdf.data)
    for expected in ("SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness",
                     "REPORT", "Results of Bình Thuận Specialty and OCOP Product Week 2024",
                     "Businesses taking part", "Booths by status", "ON BEHALF OF THE ORGANISER"):
        assert expected in text, expected
    assert "BÁO CÁO" not in text
    book = _workbook(client.get(f"/organiser/weeks/{BINH_THUAN}/report.xlsx").data)
    assert book.sheetnames[:3] == ["Summary", "Booths", "Applications"]
    assert book["Booths"]["A1"].value == "Status"


def test_report_api_serves_both_files_to_the_organisers_token(demo):
    from sqlalchemy import select

    from exhibit.accounts.models import User
    from exhibit.extensions import db
    from tests.conftest import bearer
    organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
    exhibitor = db.session.scalar(select(User).where(User.email == "dl01@exhibit.demo"))
    client = demo.test_client()
    headers = bearer(demo, organiser)
    xlsx = client.get(f"/api/v1/weeks/{DAK_LAK}/report.xlsx", headers=headers)
    assert xlsx.status_code == 200 and _workbook(xlsx.data).sheetnames[0] == "Tổng quan"
    english = client.get(f"/api/v1/weeks/{DAK_LAK}/report.xlsx?lang=en", headers=headers)
    assert _workbook(english.data).sheetnames[0] == "Summary"
    pdf = client.get(f"/api/v1/weeks/{DAK_LAK}/report.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert "BÁO CÁO" in pdftotext(pdf.data)
    bad = client.get(f"/api/v1/weeks/{DAK_LAK}/report.pdf?lang=fr", headers=headers)
    assert bad.status_code == 422 and "lang" in bad.get_json()["fields"]
    assert client.get(f"/api/v1/weeks/{DAK_LAK}/report.pdf").status_code == 401
    assert client.get(f"/api/v1/weeks/{DAK_LAK}/report.xlsx",
                      headers=bearer(demo, exhibitor)).status_code == 403
    assert client.get("/api/v1/weeks/no-such-week/report.xlsx", headers=headers).status_code == 404
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/weeks/{slug}/report.pdf", "/weeks/{slug}/report.xlsx"} <= set(spec["paths"])


# -- exports ---------------------------------------------------------------------------------

def _count(model, **where) -> int:
    from sqlalchemy import func, select

    from exhibit.extensions import db
    from exhibit.weeks.models import ExhibitionWeek
    week_id = db.session.scalar(select(ExhibitionWeek.id).where(ExhibitionWeek.slug == DAK_LAK))
    query = select(func.count()).select_from(model).where(model.week_id == week_id)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)


def test_every_export_in_both_formats_has_one_row_per_record(demo):
    from exhibit.b2b.models import Meeting
    from exhibit.badges.models import Badge
    from exhibit.booking.models import Allocation, Application
    from exhibit.catalogue.models import ProductListing
    from exhibit.documents.models import Document, Payment
    from exhibit.visitors.models import Lead
    expected = {
        "exhibitors": _count(Application), "products": _count(ProductListing),
        "allocations": _count(Allocation), "visitors": _count(Badge, kind="visitor"),
        "leads": _count(Lead), "meetings": _count(Meeting), "documents": _count(Document),
        "payments": _count(Payment),
    }
    assert all(expected.values())
    client = sign_in(demo)
    for name, rows in expected.items():
        response = client.get(f"/organiser/weeks/{DAK_LAK}/exports/{name}.csv")
        assert response.status_code == 200, name
        assert response.data.startswith(b"\xef\xbb\xbf"), name
        table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
        assert len(table) == rows + 1, name
        sheet = _workbook(client.get(f"/organiser/weeks/{DAK_LAK}/exports/{name}.xlsx").data).active
        assert sheet.max_row == rows + 1 and sheet.freeze_panes == "A2", name
        assert [c.value for c in sheet[1]] == table[0], name
    payments = _workbook(client.get(f"/organiser/weeks/{DAK_LAK}/exports/payments.xlsx").data).active
    amount = payments.cell(row=2, column=4)
    assert isinstance(amount.value, int) and amount.number_format == "#,##0"
    assert client.get(f"/organiser/weeks/{DAK_LAK}/exports/secrets.csv").status_code == 404
    assert client.get(f"/organiser/weeks/{DAK_LAK}/exports/leads.exe").status_code == 404


def test_exports_are_safe_against_formula_injection(demo):
    from sqlalchemy import select

    from exhibit.core.db import write_transaction
    from exhibit.extensions import db
    from exhibit.visitors.models import Lead
    with write_transaction():
        lead = db.session.scalar(select(Lead).where(Lead.week_id.isnot(None)).order_by(Lead.id))
        original = (lead.full_name, lead.organisation, lead.week.slug)
        lead.full_name, lead.organisation = '=HYPERLINK("http://evil.example","bấm")', "@SUM(A1)"
    try:
        client = sign_in(demo)
        text = client.get(f"/organiser/weeks/{original[2]}/exports/leads.csv").data.decode("utf-8-sig")
        assert "'=HYPERLINK(" in text and "'@SUM(A1)" in text
        assert ',=HYPERLINK' not in text
        content = client.get(f"/organiser/weeks/{original[2]}/exports/leads.xlsx").data
        cells = [c for row in _workbook(content).active.iter_rows() for c in row
                 if "HYPERLINK" in str(c.value) or "SUM" in str(c.value)]
        assert len(cells) == 2 and all(c.data_type == "s" for c in cells)  # text, never a formula
        import zipfile
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
    finally:
        with write_transaction():
            lead = db.session.get(Lead, lead.id)
            lead.full_name, lead.organisation = original[:2]


# -- comparison ------------------------------------------------------------------------------

def test_two_weeks_side_by_side_equal_their_dashboards(demo):
    client = sign_in(demo)
    response = client.get(f"/organiser/compare?week={BINH_THUAN}&week={DAK_LAK}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    compared = read_figures(html)["comparison"]
    for index, slug in enumerate((BINH_THUAN, DAK_LAK)):
        kpis = read_figures(client.get(f"/organiser/weeks/{slug}/dashboard")
                            .get_data(as_text=True))["kpis"]
        assert {key: values[index] for key, values in compared.items()} == kpis
    assert compared["exhibitors"][0] != compared["exhibitors"][1] or \
        compared["visitors"][0] != compared["visitors"][1]
    assert '<svg class="chart"' in html
    book = _workbook(client.get(f"/organiser/compare?week={BINH_THUAN}&week={DAK_LAK}"
                                "&format=xlsx").data)
    sheet = book.active
    assert [c.value for c in sheet[1]][1:] == [
        "Tuần lễ triển lãm sản phẩm đặc trưng, sản phẩm OCOP tỉnh Bình Thuận năm 2024",
        "Tuần lễ triển lãm và Hội nghị kết nối cung – cầu tiêu thụ sản phẩm giữa tỉnh Đắk Lắk "
        "và TP.HCM năm 2024"]
    assert [c.value for c in sheet[2]][1:] == compared["exhibitors"]


def test_comparison_needs_two_to_six_of_the_organisers_weeks(demo):
    client = sign_in(demo)
    assert client.get("/organiser/compare").status_code == 200
    one = client.get(f"/organiser/compare?week={DAK_LAK}")
    assert one.status_code == 422 and "ít nhất hai" in one.get_data(as_text=True)
    assert client.get(f"/organiser/compare?week={DAK_LAK}&week=no-such-week").status_code == 404
    assert client.get(f"/organiser/compare?week={DAK_LAK}&week={DAK_LAK}").status_code == 422
    too_many = "&".join(f"week={DAK_LAK}{n}" for n in range(7))
    assert client.get(f"/organiser/compare?{too_many}").status_code == 422


def test_a_chart_with_many_labels_continues_over_pages_on_one_scale():
    """34 provinces (or more) do not fit one page: the chart is cut into drawings that do,
    every bar drawn against the same largest value (the fair-size report was a 500)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    from exhibit.reports import charts
    from exhibit.reports.figures import Chart
    chart = Chart([f"Tỉnh số {n}" for n in range(40)],
                  [("Doanh nghiệp", list(range(40))), ("Gian", [2 * n for n in range(40)])])
    pieces = charts.drawings(chart, 374, "vi")
    assert len(pieces) >= 2
    assert all(piece.height <= charts.MAX_DRAWING_HEIGHT for piece in pieces)
    bars = [len([s for s in piece.contents if type(s).__name__ == "String"]) for piece in pieces]
    assert sum(bars) == 40 + 40 * 2 + 2 * len(pieces)  # every label and value; each legend
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build(list(pieces))  # no LayoutError
