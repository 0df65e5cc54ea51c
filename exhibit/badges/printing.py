"""Bulk badge printing: a whole week's badges of one kind as one sheet PDF.

The PDF is rendered straight into a file under UPLOAD_DIR while badges are read from the
database in chunks, so memory stays flat at any count. With ``REDIS_URL`` set the job runs in
an RQ worker (``flask print-worker``) and the organiser watches its progress; without Redis it
runs inline in the request (about 2,000 badges a second).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from exhibit.badges import services
from exhibit.badges.models import BadgeKind, PrintJob
from exhibit.badges.render import render_sheet
from exhibit.core import audit
from exhibit.core.db import utcnow, write_transaction
from exhibit.core.errors import NotFound, ValidationFailed
from exhibit.extensions import db
from exhibit.media import storage
from exhibit.pdf.sheets import CARD_FACES

QUEUE = "exhibit-print"
PRINT_KIND = "prints"


def check_choice(kind: str, layout: str) -> None:
    errors = {}
    if kind not in {k.value for k in BadgeKind}:
        errors["kind"] = _("Choose staff, buyer, organiser or visitor.")
    if layout not in CARD_FACES:
        errors["layout"] = _("Choose a sheet layout.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)


def write_week_sheet(handle, week, kind: str, layout: str, *, lang: str, progress=None,
                     business_id: int | None = None) -> int:
    """Render every live badge of ``kind`` at ``week`` into the open binary file ``handle``."""
    with force_locale(lang):
        faces = services.faces_for_week(week, kind, lang=lang, business_id=business_id)
        return render_sheet(handle, faces, layout_key=layout,
                            title=f"{week.name(lang)} · {BadgeKind(kind).title}",
                            progress=progress)


def start_print_job(*, actor, week, kind: str, layout: str, lang: str) -> PrintJob:
    check_choice(kind, layout)
    with write_transaction():
        job = PrintJob(week_id=week.id, kind=kind, layout=layout, requested_by_id=actor.id,
                       total=services.count_for_week(week, kind))
        db.session.add(job)
        db.session.flush()
        audit.record("print_job", job.id, "create", actor=actor, week_id=week.id,
                     after={"kind": kind, "layout": layout, "total": job.total})
    job_id = job.id
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from rq import Queue
        Queue(QUEUE, connection=Redis.from_url(redis_url)).enqueue(
            "exhibit.badges.printing.run_print_job", job_id, lang, job_timeout=3600)
    else:
        run_print_job(job_id, lang)
    return db.session.get(PrintJob, job_id)


def _set_progress(job_id: int, **values) -> None:
    """Write progress and commit at once, so the organiser's page sees it. Committing also ends
    the read of the chunk before, so no transaction stays open for the whole job."""
    db.session.execute(update(PrintJob).where(PrintJob.id == job_id).values(**values))
    db.session.commit()


def run_print_job(job_id: int, lang: str = "vi") -> None:
    """Render a queued job (in a worker, or inline). Needs an app context; outside one (a plain
    ``rq worker``) it makes its own."""
    if not current_app:
        from exhibit import create_app
        with create_app().app_context():
            return run_print_job(job_id, lang)
    job = db.session.get(PrintJob, job_id)
    if job is None or job.status not in ("queued", "running"):
        return None
    week, kind, layout = job.week, job.kind, job.layout
    _set_progress(job_id, status="running")
    try:
        key = storage.save_written(PRINT_KIND, ".pdf", lambda handle: write_week_sheet(
            handle, week, kind, layout, lang=lang,
            progress=lambda done: _set_progress(job_id, done=done)))
    except Exception as error:  # noqa: BLE001 - recorded on the job for the organiser to see
        current_app.logger.exception("print job %s failed", job_id)
        db.session.rollback()
        _set_progress(job_id, status="failed", error=str(error)[:500], finished_at=utcnow())
        return None
    _set_progress(job_id, status="done", file_key=key, finished_at=utcnow())
    return None


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
