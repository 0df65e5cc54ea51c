"""The organiser opens a week's dashboard on a phone in Chromium, reads the figures, and
downloads the week report as PDF and XLSX; the workbook's figures are the dashboard's."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import PHONE, serve
from tests.reports.conftest import DAK_LAK, DEMO_PASSWORD, ORGANISER


@pytest.fixture
def demo_server(demo_app):
    with serve(demo_app) as url:
        yield url


# The journey runs once, on SQLite; the PostgreSQL figures are covered by the request tests.
@pytest.mark.parametrize("demo_app", ["sqlite"], indirect=True)
def test_dashboard_on_a_phone_and_both_report_downloads(demo_server, browser, tmp_path):
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                accept_downloads=True)
    page = phone.new_page()
    page.goto(f"{demo_server}/login")
    page.fill("#email", ORGANISER)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{demo_server}/organiser/weeks/{DAK_LAK}/dashboard")
    assert page.locator("h1").inner_text().startswith("Tổng quan số liệu")

    # readable on a phone: nothing wider than the screen, charts drawn inside it
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    chart = page.locator("#booths svg.chart").bounding_box()
    assert 0 < chart["width"] <= PHONE["width"]
    kpis = {item.get_attribute("data-key"): float(item.get_attribute("data-value"))
            for item in page.locator("ul.kpis li").all()}
    assert kpis["exhibitors"] > 0 and kpis["meetings"] > 0
    payments_total = [float(cell.get_attribute("data-value")) for cell in
                      page.locator("table[data-table=payments] tr[data-key=total] td[data-value]").all()]

    with page.expect_download() as pdf_download:
        page.click("#report-pdf")
    pdf_path = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert pdf_download.value.suggested_filename == f"bao-cao-{DAK_LAK}.pdf"

    with page.expect_download() as xlsx_download:
        page.click("#report-xlsx")
    xlsx_path = tmp_path / "report.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    book = load_workbook(xlsx_path)
    summary = [row[1] for row in book["Tổng quan"].iter_rows(min_row=2, values_only=True)]
    assert summary == list(kpis.values())
    payments = book["Thanh toán"]
    assert [c.value for c in payments[payments.max_row]][1:] == payments_total
    phone.close()
