"""B2B meetings per buyer and per province of the supplier (issue 22, item 5): requested,
scheduled, held, no-shows and outcomes, counted exactly on both databases, and the same
figures on the dashboard, in the workbook and in the PDF."""
from __future__ import annotations

import io

from tests.b2b.conftest import fair  # noqa: F401 - a fixture
from tests.b2b.test_attendance import day  # noqa: F401 - a fixture
from tests.b2b.test_preferences import _buyer_user
from tests.conftest import login
from tests.reports.conftest import read_figures

#: Requested, Scheduled, Held, No-shows, Interested, Samples requested, MoU to sign
COLUMNS = 7


def _session(organiser, day):  # noqa: F811 - the fixture
    """On the `day` fixture's two meetings at the first slot (buyer 0 with supplier 0 at
    table 1, buyer 1 with supplier 1 at table 2): the first held and found interesting, the
    second a no-show whose table goes to buyer 1 and supplier 2 walking in (an MoU to sign);
    buyer 0 is paired with supplier 2 without a time yet (samples asked for); buyer 2 asks
    supplier 3, who declines. Suppliers 0 and 1 registered in Đắk Lắk (66), 2 and 3 in Lâm
    Đồng (68, the builders' default)."""
    from exhibit.b2b import services
    from exhibit.businesses.models import Business
    from exhibit.extensions import db
    week, buyers, suppliers, slots, tables, (first, second) = day
    for supplier in suppliers[:2]:
        db.session.get(Business, supplier.business_id).province_code = "66"
    db.session.commit()
    services.record_attendance(actor=suppliers[0], meeting=first, said="met")
    services.record_outcome(actor=suppliers[0], meeting=first, outcome="interested")
    services.record_attendance(actor=_buyer_user(buyers[1]), meeting=second, said="missed")
    walk = services.walk_in(actor=organiser, week=week, buyer_id=buyers[1].id,
                            supplier_id=suppliers[2].business_id, slot_id=slots[0].id,
                            table_id=tables[1].id)
    services.record_outcome(actor=organiser, meeting=walk, outcome="mou")
    paired = services.request_meeting(actor=organiser, week=week, buyer_id=buyers[0].id,
                                      supplier_id=suppliers[2].business_id)
    services.record_outcome(actor=organiser, meeting=paired, outcome="samples")
    asked = services.request_meeting(actor=_buyer_user(buyers[2]), week=week,
                                     buyer_id=buyers[2].id, supplier_id=suppliers[3].business_id)
    services.respond(actor=suppliers[3], meeting=asked, accept=False)
    return week, buyers


EXPECTED_BUYERS = {
    0: [2, 1, 1, 0, 1, 1, 0],
    1: [2, 2, 1, 1, 0, 0, 1],
    2: [1, 0, 0, 0, 0, 0, 0],
}
EXPECTED_PROVINCES = {
    "66": [2, 2, 1, 1, 1, 0, 0],
    "68": [3, 1, 1, 0, 0, 1, 1],
}
TOTAL = [5, 3, 2, 1, 1, 1, 1]


def test_meetings_per_buyer_and_per_province_count_exactly(app, client, organiser, day):  # noqa: F811
    from exhibit.businesses.models import Business
    from exhibit.extensions import db
    from exhibit.reports.figures import week_report
    from exhibit.vn import provinces
    week, buyers = _session(organiser, day)
    report = week_report(week)

    per_buyer = report.table("meetings_by_buyer")
    assert len(per_buyer.headers) == 1 + COLUMNS
    for n, expected in EXPECTED_BUYERS.items():
        assert per_buyer.row(str(buyers[n].id))[1:] == expected, n
    assert per_buyer.row("total")[1:] == TOTAL
    assert per_buyer.row_keys[-2:] == [str(buyers[2].id), "total"]  # most held first
    assert per_buyer.row(str(buyers[0].id))[0] == buyers[0].business.name

    per_province = report.table("meetings_by_province")
    scheme = db.session.get(Business, buyers[0].business_id).province_scheme
    for code, expected in EXPECTED_PROVINCES.items():
        row = per_province.row(f"{scheme}:{code}")
        assert row[1:] == expected, code
        assert row[0] == provinces.display_name(scheme, code, lang="vi")
    assert per_province.row("total")[1:] == TOTAL
    # most held first, then most requested: Lâm Đồng (3 requested) before Đắk Lắk
    assert per_province.row_keys == [f"{scheme}:68", f"{scheme}:66", "total"]
    assert [values for _name, values in per_province.chart.series] == [[1, 1], [0, 1]]
    # the per-state and attendance tables agree with the totals
    assert report.table("meetings_by_attendance").value("held") == TOTAL[2]
    assert report.table("meetings_by_attendance").value("no_show") == TOTAL[3]
    assert report.table("meetings_by_status").value("total") == TOTAL[0]

    # the dashboard shows the same figures, row by row
    login(client, organiser)
    page = client.get(f"/organiser/weeks/{week.slug}/dashboard")
    assert page.status_code == 200
    figures = read_figures(page.get_data(as_text=True))
    assert figures["meetings_by_buyer"][str(buyers[1].id)] == EXPECTED_BUYERS[1]
    assert figures["meetings_by_buyer"]["total"] == TOTAL
    assert figures["meetings_by_province"][f"{scheme}:66"] == EXPECTED_PROVINCES["66"]
    assert figures["meetings_by_province"]["total"] == TOTAL


def test_the_report_files_carry_both_tables(app, client, organiser, day):  # noqa: F811
    """The workbook has a sheet per table, the PDF a section per table: both follow the
    report's tables (in the interface's language, Vietnamese here)."""
    from flask_babel import force_locale
    from openpyxl import load_workbook

    from exhibit.reports.figures import week_report
    from exhibit.reports.files import sheet_titles
    from tests.printed import pdftotext
    week, buyers = _session(organiser, day)
    with app.test_request_context(), force_locale("vi"):
        report, titles = week_report(week), sheet_titles()
        tables = {key: report.table(key) for key in ("meetings_by_buyer", "meetings_by_province")}
    login(client, organiser)
    book = load_workbook(io.BytesIO(client.get(
        f"/organiser/weeks/{week.slug}/report.xlsx").data))
    for key, table in tables.items():
        rows = [[c.value for c in row] for row in book[titles[key]].iter_rows()]
        assert rows[0] == table.headers
        assert rows[-1] == [table.rows[-1][0], *TOTAL]
        assert len(rows) == 1 + len(table.rows)
    assert len(tables["meetings_by_province"].rows) == 2 + 1
    text = " ".join(pdftotext(client.get(f"/organiser/weeks/{week.slug}/report.pdf").data).split())
    for table in tables.values():
        assert table.title in text
