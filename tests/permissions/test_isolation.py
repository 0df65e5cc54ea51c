"""The matrix's promise: every cell starts from the same world, whatever the cells before it
changed (on SQLite with its explicit BEGIN, and on PostgreSQL)."""
from __future__ import annotations

from sqlalchemy import select

from exhibit.extensions import db
from tests.permissions.matrix import Target


def test_what_a_cell_changes_is_gone_for_the_next(matrix):
    org = matrix.world.orgs[1]
    desk = f"/organiser/weeks/{org.week}"
    changes = [  # each in its own cell
        ("exhibitor", "POST", Target(f"/my/photos/{org.photo_id}/delete", form={})),
        ("exhibitor", "DELETE", Target("/api/v1/tokens/current")),
        ("exhibitor", "POST", Target("/logout", form={})),
        ("exhibitor", "POST", Target("/account/sessions/revoke-others", form={})),
        ("organiser", "POST", Target(f"{desk}/allocations/{org.held_allocation_id}/confirm",
                                     form={})),
        ("organiser", "POST", Target(f"/organiser/staff/{org.entrance.id}/disable", form={})),
    ]
    for persona, method, target in changes:
        outcome, status = matrix.ask(persona, org, method, target)
        assert outcome == "ok" and status in ("204", "302"), (target.url, status)

    # the photo, its file, the token, both browser sessions and the hold are all still there
    assert matrix.ask("anonymous", org, "GET", Target(f"/media/{org.photo_key}")) == ("ok", "200")
    assert matrix.ask("exhibitor", org, "GET",
                      Target(f"/api/v1/products/{org.approved_product_id}")) == ("ok", "200")
    assert matrix.ask("exhibitor", org, "GET", Target("/my")) == ("ok", "200")
    assert matrix.ask("entrance", org, "GET", Target("/gate")) == ("ok", "200")
    with matrix.app.app_context():
        from exhibit.booking.models import Allocation
        from exhibit.catalogue.models import ProductPhoto
        assert db.session.get(ProductPhoto, org.photo_id) is not None
        assert db.session.scalar(select(Allocation.status).where(
            Allocation.id == org.held_allocation_id)) == "held"
