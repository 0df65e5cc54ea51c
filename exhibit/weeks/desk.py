"""The organiser's desk as a work queue: for every week still being run, what waits on the
organiser (applications to review, holds to confirm, products to approve, contracts to issue,
payers to chase…), the most urgent first, each with the filtered list where it is done.

Each fact is counted by the package that owns it, in its own ``waiting.py`` (booking,
catalogue, documents, b2b): one function ``waiting(week_ids, now, today)`` that answers, with a
fixed number of grouped queries whatever the number of weeks or rows, a list of ``Waiting``.
Those packages build on ``weeks``, so ``weeks`` never imports them (tests/core/
test_dependencies.py): the desk's view hands their functions to ``work_queue()``, and this
module only puts the answers in order.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from exhibit.core.db import utcnow
from exhibit.vn.dates import vietnam_today
from exhibit.weeks.models import ExhibitionWeek, WeekStatus
from exhibit.weeks.services import organiser_weeks

#: a week stays on the queue this many days after its last day (contracts signed, balances
#: paid: the ledger's own reminders stop after as long); after that, and once archived, it is
#: listed under the past weeks without its queue
FOLLOW_UP_DAYS = 30
#: how many items the "most urgent, all weeks" list shows above the weeks
MOST_URGENT_SHOWN = 6
_FAR = datetime.max.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Waiting:
    """One kind of work waiting on the organiser at one week, counted."""
    week_id: int
    #: what kind of work, e.g. "applications" (the page marks its item with it)
    kind: str
    count: int
    #: what the organiser reads beside the count, e.g. "applications waiting for review"
    label: str
    #: where the work is done: an endpoint taking the week's ``slug``, and its query arguments
    endpoint: str
    args: dict = field(default_factory=dict)
    #: the deadline that makes it urgent, if it has one (aware): a hold's nearest lapse,
    #: the start of the first payment day missed (Vietnam time)
    due: datetime | None = None
    #: when the oldest of them began waiting (aware UTC)
    since: datetime | None = None
    #: a short line under the label, e.g. "nearest deadline 10:30 06/12/2026"
    note: str = ""

    def urgency(self) -> tuple:
        """Sorts the most urgent first: a deadline before none, the nearest deadline first
        (a missed one is the nearest of all), then the longest waiting."""
        return (self.due is None, self.due or _FAR, self.since or _FAR, self.kind)


#: what each owning package offers the desk: its counts for these weeks at ``now``/``today``
WaitingSource = Callable[[Sequence[int], datetime, date], Iterable[Waiting]]


@dataclass
class WeekQueue:
    week: ExhibitionWeek
    #: the most urgent first
    items: list[Waiting]

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items)


@dataclass
class Desk:
    #: weeks still being run, the one with the most urgent work first; weeks with nothing
    #: waiting after them, the soonest first
    queues: list[WeekQueue]
    #: weeks ended long ago or archived: no queue, only their links
    past_weeks: list[ExhibitionWeek]

    @property
    def most_urgent(self) -> list[tuple[ExhibitionWeek, Waiting]]:
        """The first items across every week, the most urgent first; none while only one week
        has anything waiting (its own card says it all)."""
        if sum(1 for queue in self.queues if queue.items) < 2:
            return []
        every = [(queue.week, item) for queue in self.queues for item in queue.items]
        every.sort(key=lambda pair: pair[1].urgency())
        return every[:MOST_URGENT_SHOWN]

    @property
    def total(self) -> int:
        return sum(queue.total for queue in self.queues)


def is_followed_up(week: ExhibitionWeek, today: date) -> bool:
    """Whether a week still has a queue: not archived, and not over for FOLLOW_UP_DAYS."""
    return (week.status != WeekStatus.ARCHIVED.value
            and week.end_date >= today - timedelta(days=FOLLOW_UP_DAYS))


def queues_for(weeks: Sequence[ExhibitionWeek], sources: Iterable[WaitingSource],
               now: datetime | None = None, today: date | None = None) -> list[WeekQueue]:
    """The queue of each week given, most urgent first: each source asked once for all of
    them. Weeks with nothing waiting come last, the soonest first."""
    now = now or utcnow()
    today = today or vietnam_today(now)
    by_week: dict[int, list[Waiting]] = {week.id: [] for week in weeks}
    if by_week:
        ids = sorted(by_week)
        for source in sources:
            for item in source(ids, now, today):
                if item.count and item.week_id in by_week:
                    by_week[item.week_id].append(item)
    queues = [WeekQueue(week, sorted(by_week[week.id], key=Waiting.urgency)) for week in weeks]
    busy = sorted((q for q in queues if q.items), key=lambda q: q.items[0].urgency())
    idle = sorted((q for q in queues if not q.items), key=lambda q: (q.week.start_date, q.week.id))
    return busy + idle


def week_queue(week: ExhibitionWeek, sources: Iterable[WaitingSource],
               now: datetime | None = None) -> WeekQueue:
    """One week's queue, for the top of that week's own pages
    (templates/weeks/_queue.html: ``week_queue(queue)``)."""
    return queues_for([week], sources, now)[0]


def work_queue(user, sources: Iterable[WaitingSource], now: datetime | None = None,
               today: date | None = None) -> Desk:
    """The organiser's desk: the queues of the body's weeks still being run, and its past
    weeks. One query for the weeks, then each source's own few, whatever the sizes."""
    now = now or utcnow()
    today = today or vietnam_today(now)
    weeks = organiser_weeks(user)
    current = [week for week in weeks if is_followed_up(week, today)]
    past = [week for week in weeks if not is_followed_up(week, today)]
    return Desk(queues=queues_for(current, sources, now, today), past_weeks=past)
