"""Commands for `flask --app exhibit …`."""
from __future__ import annotations

import click
from flask import Flask

from exhibit.core.errors import AppError


def refusal(exc: AppError) -> click.ClickException:
    """What the command line prints for a refused action: the message and each field's."""
    details = "; ".join(f"{field}: {message}" for field, message in exc.fields.items())
    return click.ClickException(f"{exc.message} {details}".strip())


def register_cli(app: Flask) -> None:
    @app.cli.command("create-organizer")
    @click.option("--email", required=True)
    @click.option("--password", required=True)
    @click.option("--name", "full_name", default="", help="The person's name.")
    @click.option("--organization", default="Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM",
                  show_default=True, help="The organising body; created if missing.")
    @click.option("--short-name", default="ITPC", show_default=True,
                  help="The body's code in document numbers.")
    def create_organizer(email, password, full_name, organization, short_name):
        """Create an organiser account."""
        from exhibit.accounts.services import create_organiser_user
        try:
            user = create_organiser_user(email=email, password=password, full_name=full_name,
                                         organizer_name=organization,
                                         organizer_short_name=short_name)
        except AppError as exc:
            raise refusal(exc) from None
        click.echo(f"Organiser {user.email} created for {organization}.")

    @app.cli.command("expire-holds")
    def expire_holds():
        """End every booth hold past its expiry and offer the booths to the waiting lists."""
        from exhibit.booking.services import expire_due_holds
        click.echo(f"{expire_due_holds()} hold(s) expired.")

    @app.cli.command("tick")
    def tick():
        """Run what is due now: end lapsed holds and offers, warn of holds about to lapse,
        send the outbox (cron: every minute)."""
        from exhibit import clock
        done = clock.tick()
        click.echo(", ".join(f"{name}: {count}" for name, count in done.items()))

    @app.cli.command("purge-personal-data")
    def purge_personal_data():
        """Replace the personal data of weeks past their retention period with placeholders
        (the figures stay); the clock's tick does this too."""
        from exhibit.privacy.purge import purge_due
        results = purge_due()
        for result in results:
            counts = ", ".join(f"{name}: {count}" for name, count in result.counts.items())
            click.echo(f"week {result.week_id}: {counts}")
        if not results:
            click.echo("No week is past its retention period.")

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
    @click.option("--clock/--no-clock", "with_clock", default=True, show_default=True,
                  help="Also run the clock every minute.")
    def worker(burst: bool, with_clock: bool):
        """Send messages and render print jobs queued in Redis (needs REDIS_URL)."""
        if not app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL is not set: the app sends messages itself.")
        from exhibit.messaging.worker import run_worker
        run_worker(app, burst=burst, with_clock=with_clock)

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load the demo organiser, weeks, floor plans and businesses (safe to run again)."""
        from exhibit.demo import seed_demo as run
        try:
            for line in run():
                click.echo(line)
        except AppError as exc:  # e.g. the contract wording is not compiled: say so, no traceback
            raise refusal(exc) from None

    @app.cli.command("seed-fair")
    @click.option("--booths", default=3000, show_default=True)
    @click.option("--businesses", default=2500, show_default=True)
    @click.option("--products", default=10000, show_default=True)
    @click.option("--visitors", default=100000, show_default=True)
    @click.option("--scans", default=300000, show_default=True)
    @click.option("--checkins", default=200000, show_default=True)
    @click.option("--seed", default=2025, show_default=True, help="Same seed, same fair.")
    @click.option("--slug", default="hoi-cho-mua-thu-2025", show_default=True)
    @click.option("--tax-offset", default=200_000, show_default=True,
                  help="First index of the fictional tax codes (another fair needs another).")
    @click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="The week's first day (default: three days ago, so it runs today).")
    def seed_fair(start, **options):
        """Generate one fair-scale week (bulk inserts; refuses a slug that exists)."""
        import time
        from exhibit.demo.fair import FairOptions, seed_fair as run
        options["start"] = start.date() if start else None
        began = time.perf_counter()
        try:
            counts = run(FairOptions(**options), echo=click.echo)
        except AppError as exc:
            raise refusal(exc) from None
        click.echo(", ".join(f"{table}: {count}" for table, count in counts.items()))
        click.echo(f"seed-fair: {time.perf_counter() - began:.1f} s")

    @app.cli.command("print-worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    def print_worker(burst: bool):
        """Render queued badge print jobs (needs REDIS_URL)."""
        if not app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL is not set: print jobs run inline.")
        from exhibit.badges.printing import run_worker
        run_worker(burst=burst)

    @app.cli.command("create-entrance-staff")
    @click.option("--email", required=True)
    @click.option("--password", required=True)
    @click.option("--name", "full_name", default="")
    @click.option("--organizer-email", required=True,
                  help="An organiser of the body whose entrances this person staffs.")
    def create_entrance_staff(email: str, password: str, full_name: str, organizer_email: str):
        """Create an entrance staff account: it can only check badges in."""
        from exhibit.accounts.services import create_entrance_user
        try:
            user = create_entrance_user(email=email, password=password, full_name=full_name,
                                        organiser_email=organizer_email, verified=True)
        except AppError as exc:
            raise refusal(exc) from None
        click.echo(f"Entrance staff {user.email} created.")
