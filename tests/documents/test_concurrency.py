"""Document numbers never collide or skip, also when many transactions race: threads with
their own sessions are released at one instant by a barrier."""
from __future__ import annotations

from tests.conftest import race

THREADS = 24


def test_concurrent_numbers_never_collide_or_skip(app, organiser):
    from exhibit.core.db import write_transaction
    from exhibit.documents import numbering
    organizer_id = organiser.organizer_id

    def take(_i):
        with write_transaction():
            return numbering.next_number(organizer_id, 2024)

    numbers = race(app, take, THREADS)
    assert sorted(numbers) == list(range(1, THREADS + 1))
    # another year starts again at 1
    with app.app_context():
        with write_transaction():
            assert numbering.next_number(organizer_id, 2025) == 1


def test_concurrent_issues_get_distinct_numbers(app, bank_ready, open_week, confirmed_exhibitor):
    from exhibit.documents import services
    users = [confirmed_exhibitor() for _ in range(6)]
    ids = [services.create_contract(actor=bank_ready, week=open_week, business_id=u.business_id).id
           for u in users]
    organiser_id = bank_ready.id

    def issue(i):
        from exhibit.accounts.models import User
        from exhibit.documents.models import Document
        from exhibit.extensions import db
        actor = db.session.get(User, organiser_id)
        return services.issue(actor=actor, document=db.session.get(Document, ids[i])).number

    numbers = race(app, issue, count=len(ids))
    from exhibit.core.db import utcnow
    from exhibit.vn.dates import to_vietnam_time
    year = to_vietnam_time(utcnow()).year  # undated documents are dated the day they are issued
    assert sorted(numbers) == [f"{n:03d}/{year}/HĐ-ITPC" for n in range(1, 7)]
