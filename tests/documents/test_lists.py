"""The organiser's documents and payments lists with every kind and status in them: filters,
searches by number, party and tax code, the counts; recording a payment from a searched ledger;
and the exhibitor's own documents read without one query per document."""
from __future__ import annotations

from datetime import date

from tests.conftest import login
from tests.querycount import queries_of


def _contract(organiser, week, user, *, issue=True):
    from exhibit.documents import services
    document = services.create_contract(actor=organiser, week=week, business_id=user.business_id)
    services.update_draft(actor=organiser, document=document, data={
        "vat_percent": 8, "dated_on": date(2026, 1, 5), "deposit_due_on": date(2026, 1, 10),
        "balance_due_on": date(2026, 2, 10)})
    return services.issue(actor=organiser, document=document) if issue else document


def _listed(client, url) -> list[str]:
    """The document ids the list links to, in order."""
    html = client.get(url).get_data(as_text=True)
    table = html[html.index("<table"):html.index("</table>")]
    return [part.split('"')[0] for part in table.split('href="/organiser/documents/')[1:]]


def test_documents_list_filters_by_kind_status_and_search(app, client, bank_ready, open_week,
                                                          confirmed_exhibitor):
    from exhibit.documents import services
    from exhibit.extensions import db
    from exhibit.businesses.models import Business
    users = [confirmed_exhibitor() for _ in range(4)]
    issued = _contract(bank_ready, open_week, users[0])
    signed = _contract(bank_ready, open_week, users[1])
    services.mark_signed(actor=bank_ready, document=signed, filename="scan.pdf", content=b"%PDF-1.4 scan")
    cancelled = _contract(bank_ready, open_week, users[2])
    services.cancel(actor=bank_ready, document=cancelled, reason="Rút lui")
    draft = _contract(bank_ready, open_week, users[3], issue=False)
    mou = services.create_mou(actor=bank_ready, week=open_week, supplier_id=users[0].business_id,
                              buyer_business_id=users[1].business_id)
    login(client, bank_ready)
    base = f"/organiser/weeks/{open_week.slug}/documents"
    every = [issued, signed, cancelled, draft, mou]
    assert sorted(_listed(client, base)) == sorted(str(d.id) for d in every)
    for query, expected in (
            ("?kind=mou", [mou]), ("?kind=contract", [issued, signed, cancelled, draft]),
            ("?status=draft", [draft, mou]), ("?status=signed", [signed]),
            ("?kind=contract&status=cancelled", [cancelled]), ("?kind=mou&status=issued", []),
            (f"?q={issued.number.split('/')[0]}/", [issued]),
            (f"?q={issued.number.lower()}", [issued]),
            (f"?q={db.session.get(Business, users[3].business_id).tax_code}", [draft])):
        assert sorted(_listed(client, base + query)) == sorted(str(d.id) for d in expected), query
    # the MoU's buyer is a party too: a search by its tax code finds the MoU and its own contract
    buyer_tax_code = db.session.get(Business, users[1].business_id).tax_code
    assert sorted(_listed(client, f"{base}?q={buyer_tax_code}")) == sorted([str(signed.id), str(mou.id)])
    counts = services.document_counts(open_week)
    assert (counts.of_kind("contract"), counts.of_kind("mou"), counts.in_status("draft"),
            counts.in_status("cancelled"), counts.total) == (4, 1, 2, 1, 5)
    page = client.get(base + "?q=khong-co-ai&kind=mou").get_data(as_text=True)
    assert "No document matches." in page or "Không có văn bản nào khớp." in page


def test_waiting_exhibitors_are_counted_and_drafted(app, client, bank_ready, open_week,
                                                    confirmed_exhibitor):
    from exhibit.documents import services
    users = [confirmed_exhibitor() for _ in range(3)]
    _contract(bank_ready, open_week, users[0], issue=False)
    count, first = services.contracts_waiting(open_week, shown=1)
    assert count == 2 and len(first) == 1 and first[0].id in {u.business_id for u in users[1:]}
    login(client, bank_ready)
    assert client.post(f"/organiser/weeks/{open_week.slug}/documents/contracts").status_code == 302
    assert services.contracts_waiting(open_week) == (0, [])


def test_a_payment_is_recorded_from_a_searched_ledger(app, client, bank_ready, open_week,
                                                      confirmed_exhibitor, make_exhibitor):
    from exhibit.businesses.models import Business
    from exhibit.documents import payments
    from exhibit.documents.models import Payment
    from exhibit.extensions import db
    users = [confirmed_exhibitor() for _ in range(3)]
    contracts = [_contract(bank_ready, open_week, u) for u in users]
    tax_code = db.session.get(Business, users[1].business_id).tax_code
    login(client, bank_ready)
    url = f"/organiser/weeks/{open_week.slug}/payments?q={tax_code}"
    page = client.get(url).get_data(as_text=True)
    select = page.split('name="business_id"')[1].split("</select>")[0]
    assert select.count("<option") == 1 and f'value="{users[1].business_id}"' in select
    # the contract's number finds the same business
    by_number = client.get(f"/organiser/weeks/{open_week.slug}/payments?q={contracts[1].number}")
    assert f'value="{users[1].business_id}"' in by_number.get_data(as_text=True)

    missing = client.post(url, data={"business_id": "", "kind": "deposit", "amount_vnd": "702.000",
                                     "paid_on": "09/01/2026"})
    assert missing.status_code == 422 and ("Choose the exhibitor." in missing.get_data(as_text=True)
                                           or "Chọn" in missing.get_data(as_text=True))
    stranger = make_exhibitor()
    refused = client.post(url, data={"business_id": str(stranger.business_id), "kind": "deposit",
                                     "amount_vnd": "702.000", "paid_on": "09/01/2026"})
    assert refused.status_code == 422 and db.session.query(Payment).count() == 0
    done = client.post(url, data={"business_id": str(users[1].business_id), "kind": "deposit",
                                  "amount_vnd": "702.000", "paid_on": "09/01/2026",
                                  "reference": "FT26009XYZ"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"q={tax_code}")
    # a business not on the page (the list was filtered) is still accepted: the service checks it
    other = client.post(url, data={"business_id": str(users[2].business_id), "kind": "deposit",
                                   "amount_vnd": "100.000", "paid_on": "10/01/2026"})
    assert other.status_code == 302
    listed = client.get(f"/organiser/weeks/{open_week.slug}/payments?view=payments&q=ft26009xyz")
    assert "FT26009XYZ" in listed.get_data(as_text=True)
    by_reference = payments.balances_page(open_week, date(2026, 1, 20),
                                          payments.LedgerFilters(q="FT26009XYZ"), 1)
    assert [r.business_id for r in by_reference.rows] == [users[1].business_id]
    overdue = payments.balances_page(open_week, date(2026, 1, 20),
                                     payments.LedgerFilters(state="overdue"), 1)
    assert {r.business_id for r in overdue.rows} == {users[0].business_id, users[2].business_id}
    assert payments.state_totals(open_week, date(2026, 1, 20))["overdue"].overdue == 702_000 + 602_000


def test_my_documents_read_profile_changes_once(app, client, bank_ready, open_week,
                                                confirmed_exhibitor):
    from exhibit.documents import services
    from exhibit.profiles import services as profiles
    user = confirmed_exhibitor()
    first = _contract(bank_ready, open_week, user)
    login(client, user)
    _status, one = queries_of(client, "/my/documents")
    for _ in range(3):  # cancelled contracts stay in the business's list
        services.cancel(actor=bank_ready, document=first, reason="Làm lại")
        first = _contract(bank_ready, open_week, user)
    profiles.edit_own_business(actor=user, data={"address": "Số 9 Lê Lợi, phường Thuận Hóa, Huế"})
    status, four = queries_of(client, "/my/documents")
    page = client.get("/my/documents").get_data(as_text=True)
    assert status == 200 and page.count('href="/documents/') >= 8
    assert len(four) == len(one), (len(one), len(four))
    assert page.count("profile-changed") == 1  # only the live contract: cancelled ones ask nothing
