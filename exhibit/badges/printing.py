"""Bulk badge printing: a whole week's badges of one kind as one sheet PDF.

The PDF is rendered straight into a file under UPLOAD_DIR while badges are read from the
database in chunks. The organiser's request only records the job and answers at once with its
progress page; the rendering happens elsewhere:

* with ``REDIS_URL`` set, in an RQ worker (``flask print-worker``);
* without Redis, in a background thread of the web process that took the request, with its own
  app context and database session. Such a thread dies with its process (a restart, a deploy):
  a job that has not finished long after it should have is shown as failed, and a new request
  for it starts again.

One sheet at a time per week and kind: asking again for a sheet being printed leads to that
job; without Redis, asking for another sheet of the week while one renders is refused (409),
so a web worker never renders two large sheets at once.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from exhibit.badges import services
from exhibit.badges.models import Badge, BadgeKind, PrintJob
from exhibit.badges.render import BADGE_FACES, render_sheet
from exhibit.core import audit
from exhibit.core.db import after_commit, lock_row, utcnow, write_transaction
from exhibit.core.errors import Conflict, NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.media import storage
from exhibit.weeks.models import ExhibitionWeek

QUEUE = "exhibit-print"
PRINT_KIND = "prints"
UNFINISHED = ("queued", "running")
#: how long any job may take before it counts as abandoned, plus this much per badge (renders
#: run at ~2,000 badges a second; this allows ten times slower)
ABANDONED_AFTER = timedelta(minutes=10)
PER_BADGE = timedelta(milliseconds=5)
log = logging.getLogger(__name__)
#: the print threads of this process, by job id (tests wait for them; nothing else reads it)
_threads: dict[int, threading.Thread] = {}
_threads_lock = threading.Lock()


class JobStopped(Exception):
    """The job's row is no longer running (marked abandoned meanwhile): stop rendering."""


def check_choice(kind: str, layout: str) -> None:
    errors = {}
    if kind not in {k.value for k in BadgeKind}:
        errors["kind"] = _("Choose staff, buyer, organiser or visitor.")
    if layout not in BADGE_FACES:
        errors["layout"] = _("Choose a sheet layout.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)


#: the most badges one request renders while its caller waits (the API's sheet); more is a
#: print job, rendered by a worker or a background thread with a progress page
SHEET_IN_REQUEST_MAX = 1000


def live_badge_count(week, kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Badge).where(
        Badge.week_id == week.id, Badge.kind == kind, Badge.revoked_at.is_(None)))


def check_sheet_fits_a_request(week, kind: str) -> None:
    """Refuse (Conflict ``sheet_too_large``) a sheet too large to render inside one request."""
    count = live_badge_count(week, kind)
    if count > SHEET_IN_REQUEST_MAX:
        raise Conflict(_("%(count)s badges are too many for one request (at most %(max)s): "
                         "print them from the week's badges page, which renders the sheet in "
                         "the background.", count=f"{count:,}".replace(",", "."),
                         max=f"{SHEET_IN_REQUEST_MAX:,}".replace(",", ".")),
                       code="sheet_too_large")


def write_week_sheet(handle, week, kind: str, layout: str, *, lang: str, progress=None,
                     business_id: int | None = None) -> int:
    """Render every live badge of ``kind`` at ``week`` into the open binary file ``handle``."""
    with force_locale(lang):
        faces = services.faces_for_week(week, kind, lang=lang, business_id=business_id)
        return render_sheet(handle, faces, layout_key=layout,
                            title=f"{week.name(lang)} · {BadgeKind(kind).title}",
                            progress=progress)


def is_abandoned(job: PrintJob, now: datetime | None = None) -> bool:
    """An unfinished job far past the time it should have taken: its worker or web process
    stopped (a restart) without recording the end."""
    if job.status not in UNFINISHED:
        return False
    return (now or utcnow()) > job.created_at + ABANDONED_AFTER + PER_BADGE * job.total


def start_print_job(*, actor, week, kind: str, layout: str, lang: str) -> PrintJob:
    """Record a print job and have it rendered outside the request. The same sheet already
    being printed is that job (with ``reused`` set), not a second one."""
    check_choice(kind, layout)
    in_thread = not current_app.config.get("REDIS_URL")
    with write_transaction():
        # requests for the same week queue here, so two at once cannot both start a job
        lock_row(ExhibitionWeek, week.id)
        unfinished = []
        for job in db.session.scalars(select(PrintJob).where(
                PrintJob.week_id == week.id, PrintJob.status.in_(UNFINISHED))
                .order_by(PrintJob.id)):
            if is_abandoned(job):
                job.status, job.finished_at = "failed", utcnow()
                job.error = abandoned_message()
            else:
                unfinished.append(job)
        same = next((j for j in unfinished if j.kind == kind and j.layout == layout), None)
        if same is not None:
            same.reused = True
            return same
        if unfinished and in_thread:
            raise Conflict(_("Another sheet of this week is being printed (job #%(id)d); start "
                             "this one when it has finished.", id=unfinished[0].id),
                           code="print_job_running")
        job = PrintJob(week_id=week.id, kind=kind, layout=layout, requested_by_id=actor.id,
                       total=services.count_for_week(week, kind))
        db.session.add(job)
        db.session.flush()
        audit.record("print_job", job.id, "create", actor=actor, week_id=week.id,
                     after={"kind": kind, "layout": layout, "total": job.total})
        # rendering starts once the job is committed, so the thread or worker finds it
        job_id = job.id
        if in_thread and not _connections_of_its_own():
            after_commit(lambda: run_print_job(job_id, lang))
        elif in_thread:
            app = current_app._get_current_object()
            after_commit(lambda: _start_thread(app, job_id, lang))
        else:
            after_commit(lambda: _enqueue(job_id, lang))
    return job


def abandoned_message() -> str:
    return _("The job stopped without finishing (the server may have restarted). Print the "
             "sheet again.")


def _enqueue(job_id: int, lang: str) -> None:
    try:
        from redis import Redis
        from rq import Queue
        Queue(QUEUE, connection=Redis.from_url(current_app.config["REDIS_URL"])).enqueue(
            "exhibit.badges.printing.run_print_job", job_id, lang, job_timeout=3600)
    except Exception as error:  # noqa: BLE001 - Redis down: the organiser sees why on the job
        log.exception("could not queue print job %s", job_id)
        _set_progress(job_id, status="failed", finished_at=utcnow(),
                      error=_("The job could not be queued: %(error)s", error=str(error))[:500])


def _connections_of_its_own() -> bool:
    """Whether a thread can open its own database connection. Not when the app's database is
    one shared connection (a test harness that rolls every request back): two threads on one
    connection would interleave their statements, so there the job runs at once, after the
    commit, in the caller."""
    return isinstance(db.session.get_bind(), Engine)


def _start_thread(app: Flask, job_id: int, lang: str) -> None:
    thread = threading.Thread(target=_run_in_thread, args=(app, job_id, lang),
                              name=f"exhibit-print-{job_id}", daemon=True)
    with _threads_lock:
        for finished in [k for k, t in _threads.items() if not t.is_alive()]:
            del _threads[finished]
        _threads[job_id] = thread
    thread.start()


def _run_in_thread(app: Flask, job_id: int, lang: str) -> None:
    """A print thread's whole life: its own app context, so its own database session."""
    with app.app_context():
        try:
            run_print_job(job_id, lang)
        except Exception:  # noqa: BLE001 - nothing above this thread would log it
            log.exception("print job %s failed outside its rendering", job_id)
        finally:
            db.session.remove()


def wait_for_threads(timeout: float = 60) -> None:
    """Wait for this process's print threads (tests, before their database goes away)."""
    with _threads_lock:
        threads = list(_threads.values())
    for thread in threads:
        thread.join(timeout)


def _set_progress(job_id: int, **values) -> None:
    """Write progress and commit at once, so the organiser's page sees it. Committing also ends
    the read of the chunk before, so no transaction stays open for the whole job. A job no
    longer unfinished (marked abandoned by a new request meanwhile) raises JobStopped."""
    with write_transaction():
        result = db.session.execute(update(PrintJob).where(
            PrintJob.id == job_id, PrintJob.status.in_(UNFINISHED)).values(**values))
    if result.rowcount == 0:
        raise JobStopped(job_id)


def run_print_job(job_id: int, lang: str = "vi") -> None:
    """Render a recorded job (in an RQ worker or a print thread). Needs an app context; outside
    one (a plain ``rq worker``) it makes its own."""
    if not current_app:
        from exhibit import create_app
        with create_app().app_context():
            return run_print_job(job_id, lang)
    job = db.session.get(PrintJob, job_id)
    if job is None or job.status not in UNFINISHED:
        return None
    week, kind, layout = job.week, job.kind, job.layout
    try:
        _set_progress(job_id, status="running")
        key = storage.save_written(PRINT_KIND, ".pdf", lambda handle: write_week_sheet(
            handle, week, kind, layout, lang=lang,
            progress=lambda done: _set_progress(job_id, done=done)))
    except JobStopped:
        log.warning("print job %s was marked abandoned while rendering; stopped", job_id)
        return None
    except Exception as error:  # noqa: BLE001 - recorded on the job for the organiser to see
        current_app.logger.exception("print job %s failed", job_id)
        db.session.rollback()
        with force_locale(lang):
            message = _("The sheet could not be rendered: %(error)s", error=str(error))
        _finish(job_id, status="failed", finished_at=utcnow(), error=message[:500])
        return None
    try:
        _set_progress(job_id, status="done", file_key=key, finished_at=utcnow())
    except JobStopped:
        storage.delete(key)
    return None


def _finish(job_id: int, **values) -> None:
    try:
        _set_progress(job_id, **values)
    except JobStopped:
        pass


def week_jobs(week, limit: int = 10) -> list[PrintJob]:
    return list(db.session.scalars(select(PrintJob).where(PrintJob.week_id == week.id)
                                   .order_by(PrintJob.id.desc()).limit(limit)))


def get_job(week, job_id: int) -> PrintJob:
    job = db.session.get(PrintJob, job_id, populate_existing=True)  # fresh progress
    if job is None or job.week_id != week.id:
        raise NotFound(_("There is no such print job."))
    return job


def run_worker(*, burst: bool = False) -> None:
    """An RQ worker for print jobs, inside the current app context."""
    from redis import Redis
    from rq import SimpleWorker
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    SimpleWorker([QUEUE], connection=connection).work(burst=burst)
