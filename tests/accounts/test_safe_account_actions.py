"""Account actions that cannot be taken back (revoking an API token, cancelling an invitation,
disabling a staff account) open a confirmation naming what happens; the account, team and staff
pages have no duplicate element ids."""
from __future__ import annotations

from exhibit.accounts import invitations, services
from exhibit.extensions import db
from tests.booking.test_safe_release import duplicate_ids
from tests.conftest import login as sign_in


def login(client, user):
    user.locale = "en"
    db.session.commit()
    return sign_in(client, user)


def test_the_account_page_confirms_revoking_a_token(client, make_exhibitor):
    user = make_exhibitor()
    services.issue_api_token(user, label="Phần mềm kế toán")
    login(client, user)
    page = client.get("/account").get_data(as_text=True)
    assert 'class="confirm-action"' in page and "stops working at once" in page
    assert duplicate_ids(page) == {}


def test_cancelling_an_invitation_is_confirmed(client, make_exhibitor):
    user = make_exhibitor()
    invitations.invite(actor=user, email="dong-nghiep@example.vn", full_name="Lê Thị Mới")
    login(client, user)
    page = client.get("/my/team").get_data(as_text=True)
    assert "The link sent to dong-nghiep@example.vn stops working at once" in page
    assert "data-confirm=" not in page
    assert duplicate_ids(page) == {}


def test_disabling_staff_is_confirmed(client, organiser, entrance_user):
    login(client, organiser)
    page = client.get("/organiser/staff").get_data(as_text=True)
    assert f"{entrance_user.email} is signed out everywhere at once" in page
    assert duplicate_ids(page) == {}
