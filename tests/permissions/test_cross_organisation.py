"""Two leaks across organisations, asserted plainly (the matrix has the same cells):

1. A contract that is no longer a draft must not be readable by users without a business — the
   other organisation's organiser and entrance staff (the contract has no buyer, and "no
   business" must never count as being its buyer).
2. A business's audit page must not show another organisation its history.

Each test runs with organisation 1's objects and with organisation 2's, on both databases.
"""
from __future__ import annotations

import pytest

from tests.permissions.world import Account, OrgWorld

NON_DRAFT_CONTRACTS = ("issued", "signed", "cancelled")
PDF_QUERIES = ("", "?version=1", "?lang=en")
HIDDEN = (403, 404)


@pytest.fixture(params=[1, 2], ids=["org1", "org2"])
def org(request, matrix) -> OrgWorld:
    return matrix.world.orgs[request.param]


def outsiders(matrix, org: OrgWorld) -> list[Account]:
    """Signed-in users without a business who have no business with X's contracts."""
    other = matrix.world.other(org)
    return [other.organiser, other.entrance, org.entrance]


def refused(matrix, requests) -> list[str]:
    """Every (account, url, headers) that was not answered 403 or 404, described."""
    wrong = []
    for account, url, headers in requests:
        status = matrix.browser(None if headers else account).get(url, headers=headers).status_code
        if status not in HIDDEN:
            wrong.append(f"{account.email} got {status} for {url}")
    return wrong


def test_contract_pdfs_are_hidden_from_outsiders(matrix, org):
    wrong = refused(matrix, [
        (who, f"/documents/{org.contracts[state]}.pdf{query}", None)
        for state in NON_DRAFT_CONTRACTS for query in PDF_QUERIES
        for who in outsiders(matrix, org)])
    assert not wrong, "\n".join(wrong)


def test_the_organiser_document_page_is_hidden_from_the_other_organiser(matrix, org):
    wrong = refused(matrix, [
        (who, f"/organiser/documents/{org.contracts[state]}", None)
        for state in NON_DRAFT_CONTRACTS for who in outsiders(matrix, org)])
    assert not wrong, "\n".join(wrong)


def test_the_signed_scan_is_hidden_from_outsiders(matrix, org):
    url = f"/documents/{org.contracts['signed']}/signed/{org.signed_file_id}"
    wrong = refused(matrix, [(who, url, None) for who in outsiders(matrix, org)])
    assert not wrong, "\n".join(wrong)


def test_the_api_pdf_is_hidden_from_the_other_organisers_token(matrix, org):
    wrong = refused(matrix, [
        (who, f"/api/v1/documents/{org.contracts[state]}.pdf{query}",
         {"Authorization": f"Bearer {who.token}"})
        for state in NON_DRAFT_CONTRACTS for query in PDF_QUERIES
        for who in outsiders(matrix, org)])
    assert not wrong, "\n".join(wrong)


def test_a_business_audit_is_hidden_from_the_other_organisation(matrix, org):
    url = f"/organiser/businesses/{org.exhibitor.business_id}/audit"
    wrong = refused(matrix, [(who, url, None) for who in outsiders(matrix, org)])
    assert not wrong, "\n".join(wrong)


def test_the_owners_still_read_them(matrix, org):
    """The control: X's organiser and X's exhibitor are answered 200 where outsiders are not."""
    contract = org.contracts["signed"]
    for account, url in [
            (org.organiser, f"/documents/{contract}.pdf"),
            (org.exhibitor, f"/documents/{contract}.pdf?version=1"),
            (org.exhibitor, f"/documents/{contract}/signed/{org.signed_file_id}"),
            (org.organiser, f"/organiser/documents/{contract}"),
            (org.organiser, f"/organiser/businesses/{org.exhibitor.business_id}/audit")]:
        assert matrix.browser(account).get(url).status_code == 200, (account.email, url)
    headers = {"Authorization": f"Bearer {org.organiser.token}"}
    assert matrix.browser(None).get(f"/api/v1/documents/{contract}.pdf",
                                    headers=headers).status_code == 200


def test_a_shared_business_audit_shows_each_organisation_only_its_own_weeks(matrix, org):
    """The business applied to both organisations' weeks: X's organiser sees X's part of its
    history (the decision X's organiser took), neither the other organiser's decision nor the
    entries of no week at all (its sign-up)."""
    page = matrix.browser(org.organiser).get(
        f"/organiser/businesses/{org.shared_business_id}/audit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert org.organiser.email in html
    assert matrix.world.other(org).organiser.email not in html
    assert 'data-action="register"' not in html
