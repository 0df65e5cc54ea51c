"""Bulk badge printing without Redis: the request records the job and answers with its progress
page; a background thread of the web process renders the sheet. Checked for real on SQLite
and PostgreSQL: the job is watched through its page until it ends (with a deadline), then the
PDF is downloaded and its codes decoded."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from exhibit.badges import printing, services
from exhibit.badges.models import PrintJob
from exhibit.core.db import utcnow
from exhibit.extensions import db
from tests.conftest import login, visitor_data
from tests.printed import decode_pdf_qr_codes

#: a sheet of a dozen badges renders in well under a second; this is only a safety net
DEADLINE_S = 60


def fresh_reads() -> None:
    """End the test's read transaction: the tests share one app context (and so one session)
    across requests, and on SQLite a read transaction keeps seeing the moment it began; in
    production each request has its own session."""
    db.session.commit()


def job_status(client, url: str) -> tuple[str, str]:
    fresh_reads()
    html = client.get(url).get_data(as_text=True)
    return re.search(r'data-status="(\w+)"', html).group(1), html


def wait_for_end(client, url: str) -> tuple[str, str]:
    """Poll the job's progress page until it says done or failed (or the deadline passes)."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        status, html = job_status(client, url)
        if status in ("done", "failed"):
            printing.wait_for_threads()  # the thread ends right after its last write
            return status, html
        assert time.monotonic() < deadline, f"the print job is still {status}"
        time.sleep(0.05)


def register_visitors(week, count: int, prefix: str = "091234") -> None:
    for n in range(count):
        services.register_visitor(week=week, data=visitor_data(
            full_name=f"Khách {n}", phone=f"{prefix}{n:04d}"))


def jobs() -> list[PrintJob]:
    fresh_reads()
    return list(db.session.scalars(select(PrintJob).order_by(PrintJob.id)))


def test_without_redis_a_background_thread_renders_the_sheet(client, organiser, open_week):
    register_visitors(open_week, 12)
    login(client, organiser)
    response = client.post(f"/organiser/weeks/{open_week.slug}/badges/print",
                           data={"kind": "visitor", "layout": "a4-8"})
    assert response.status_code == 303
    url = response.headers["Location"]
    [job] = jobs()
    assert url.endswith(f"/print-jobs/{job.id}") and job.total == 12
    # rendered by a thread of this process, not by the request
    assert printing._threads[job.id].name == f"exhibit-print-{job.id}"
    status, html = wait_for_end(client, url)
    assert status == "done", html
    [job] = jobs()
    assert job.done == 12 and job.file_key and job.finished_at is not None
    with client.get(url + ".pdf") as sheet:
        assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
        pages = decode_pdf_qr_codes(sheet.data)
    # 8 badges to an A4 page, an entrance and an exhibitor code on each
    assert [len(p) for p in pages] == [16, 8]
    codes = {url.rsplit("/", 1)[1] for page in pages for url in page}
    wanted = set(db.session.scalars(select(services.Badge.entry_code))) | set(
        db.session.scalars(select(services.Badge.contact_code)))
    assert codes == wanted


def test_the_request_answers_while_the_sheet_cannot_render_yet(app, client, organiser,
                                                                open_week):
    """Proof that the POST does not render: with the table the renderer reads first locked by
    another connection, the POST still answers and the job waits; once the lock goes, the job
    finishes."""
    if app.config["DB_KIND"] != "postgres":
        pytest.skip("holds a table lock from another connection: PostgreSQL")
    register_visitors(open_week, 3)
    login(client, organiser)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.connect() as blocker:
            # the renderer starts by reading the booths confirmed to each business
            blocker.execute(text("LOCK TABLE allocations IN ACCESS EXCLUSIVE MODE"))
            response = client.post(f"/organiser/weeks/{open_week.slug}/badges/print",
                                   data={"kind": "visitor", "layout": "a6-4"})
            assert response.status_code == 303
            url = response.headers["Location"]
            status, html = job_status(client, url)
            assert status in ("queued", "running")
            assert 'http-equiv="refresh"' in html
            assert client.get(url + ".pdf").status_code == 404  # no file yet
            blocker.rollback()
        status, _html = wait_for_end(client, url)
    finally:
        engine.dispose()
    assert status == "done"
    with client.get(url + ".pdf") as sheet:
        assert [len(p) for p in decode_pdf_qr_codes(sheet.data)] == [6]


def test_a_failed_render_is_recorded_with_its_reason(app, client, organiser, open_week,
                                                     tmp_path):
    register_visitors(open_week, 2)
    login(client, organiser)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    uploads = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(blocked / "uploads")  # the sheet cannot be written there
    try:
        response = client.post(f"/organiser/weeks/{open_week.slug}/badges/print",
                               data={"kind": "visitor", "layout": "a4-8"})
        assert response.status_code == 303
        status, html = wait_for_end(client, response.headers["Location"])
    finally:
        app.config["UPLOAD_DIR"] = uploads
    assert status == "failed"
    [job] = jobs()
    assert job.status == "failed" and job.finished_at is not None and not job.file_key
    assert job.error.startswith("Không thể tạo tệp thẻ") or "could not be rendered" in job.error
    assert "a-file" in job.error  # the reason, for whoever reads it
    assert job.error in html.replace("&#39;", "'")
    assert client.get(response.headers["Location"] + ".pdf").status_code == 404


def test_asking_again_while_a_sheet_prints(client, organiser, open_week):
    """The same sheet again leads to the job printing it; another sheet of the week waits
    (409) without Redis; a job left unfinished by a dead process counts as failed."""
    register_visitors(open_week, 2)
    login(client, organiser)
    url = f"/organiser/weeks/{open_week.slug}/badges/print"
    # a job running in another web worker: only its row is visible from here
    running = PrintJob(week_id=open_week.id, kind="visitor", layout="a4-8", status="running",
                       total=2, done=0, created_at=utcnow())
    db.session.add(running)
    db.session.commit()
    again = client.post(url, data={"kind": "visitor", "layout": "a4-8"})
    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/print-jobs/{running.id}")
    assert len(jobs()) == 1
    other = client.post(url, data={"kind": "staff", "layout": "a4-8"})
    assert other.status_code == 409 and f"#{running.id}" in other.get_data(as_text=True)
    assert len(jobs()) == 1

    # the worker died an hour ago: the page says so and stops refreshing…
    running.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    status, html = job_status(client, f"/organiser/weeks/{open_week.slug}/print-jobs/{running.id}")
    assert status == "failed" and 'http-equiv="refresh"' not in html
    # …and asking again records it failed and prints anew
    fresh = client.post(url, data={"kind": "visitor", "layout": "a4-8"})
    assert fresh.status_code == 303
    old, new = jobs()
    assert old.status == "failed" and old.error and new.id != old.id
    status, _html = wait_for_end(client, fresh.headers["Location"])
    assert status == "done" and jobs()[1].done == 2


def test_a_job_no_longer_unfinished_is_not_rendered_or_advanced(open_week):
    """A late thread or worker whose job a later request declared abandoned does nothing, and
    one still rendering stops at its next progress report (JobStopped)."""
    register_visitors(open_week, 3)
    job = PrintJob(week_id=open_week.id, kind="visitor", layout="a4-8", status="failed",
                   total=3, error="abandoned", created_at=utcnow())
    db.session.add(job)
    db.session.commit()
    printing.run_print_job(job.id, "vi")
    with pytest.raises(printing.JobStopped):
        printing._set_progress(job.id, done=1)
    fresh_reads()
    job = db.session.get(PrintJob, job.id)
    assert job.status == "failed" and job.done == 0 and not job.file_key
