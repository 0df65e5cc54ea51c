"""exhibit: run Vietnamese trade fairs and OCOP exhibition weeks."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, g, has_request_context, request, session
from flask_login import current_user

from config import BASE_DIR, load_config
from exhibit.extensions import babel, csrf, db, limiter, login_manager, migrate


def select_locale() -> str:
    """The user's saved language, else the session's choice, else Vietnamese."""
    from exhibit.core.languages import DEFAULT, LANGUAGES
    if not has_request_context():
        return DEFAULT
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    if session.get("locale") in LANGUAGES:
        return session["locale"]
    return DEFAULT


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(BASE_DIR / "templates"),
                static_folder=str(BASE_DIR / "static"), instance_path=str(BASE_DIR / "instance"))
    app.config.from_mapping(load_config(overrides))
    Path(app.instance_path).mkdir(exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    _check_signed_wording(app)
    from exhibit.core import limits, ratelimit_storage, security  # noqa: F401 (registers exhibit-db://)
    limiter.init_app(app)
    limits.init_app(app)
    from exhibit.visitors import front_door
    front_door.init_app(app)  # before security.init_app: its ProxyFix must run first
    security.init_app(app)
    from exhibit.core import base_url
    base_url.init_app(app)  # warns once when PUBLIC_BASE_URL is not where the app is served
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"

    from exhibit.core.db import configure_engine
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT"])

    _import_models()
    _connect_features()
    from exhibit.core.routing import RowId
    app.url_map.converters["int"] = RowId  # before any route is added: see core/routing.py
    _register_blueprints(app)
    _register_template_helpers(app)
    from exhibit.core.errors import register_error_handlers
    register_error_handlers(app)
    from exhibit.cli import register_cli
    register_cli(app)

    @app.before_request
    def _remember_lang():
        g.lang = select_locale()

    if app.config["CLOCK_IN_APP"]:
        from exhibit.messaging import dispatch

        @app.before_request
        def _keep_the_clock():
            # the embedded default: the serving process runs the clock (a thread, started once)
            dispatch.start_background(app)

    return app


def _check_signed_wording(app: Flask) -> None:
    """Contracts and MoUs are signed in Vietnamese: production does not start unless the
    compiled catalogue prints their whole wording, and development says so in its log (in every
    environment, rendering one refuses too)."""
    if app.config["ENV_NAME"] not in ("production", "development"):
        return
    from exhibit.documents.wording import app_catalogue_problems, report
    problems = app_catalogue_problems(app)
    if not problems:
        return
    if app.config["ENV_NAME"] == "production":
        raise RuntimeError(report(problems, "Refusing to start in production"))
    app.logger.warning("%s", report(problems, "Contracts and MoUs cannot be rendered"))


def _import_models() -> None:
    """Every model module, so SQLAlchemy and Alembic see the whole schema."""
    from exhibit.accounts import models as _accounts  # noqa: F401
    from exhibit.b2b import models as _b2b  # noqa: F401
    from exhibit.badges import models as _badges  # noqa: F401
    from exhibit.booking import models as _booking  # noqa: F401
    from exhibit.businesses import models as _businesses  # noqa: F401
    from exhibit.catalogue import models as _catalogue  # noqa: F401
    from exhibit.core import audit as _audit  # noqa: F401
    from exhibit.documents import models as _documents  # noqa: F401
    from exhibit.floorplan import models as _floorplan  # noqa: F401
    from exhibit.messaging import models as _messaging  # noqa: F401
    from exhibit.privacy import models as _privacy  # noqa: F401
    from exhibit.scanning import models as _scanning  # noqa: F401
    from exhibit.visitors import models as _visitors  # noqa: F401
    from exhibit.weeks import models as _weeks  # noqa: F401


def _connect_features() -> None:
    """Features that follow others' changes subscribe to their domain events, and rules a lower
    feature must ask a higher one are plugged in (both idempotent)."""
    from exhibit.booking import plan_changes
    from exhibit.booking import services as booking
    from exhibit.catalogue import subscribers as catalogue
    from exhibit.messaging import subscribers as messaging
    from exhibit.privacy import consents
    from exhibit.reports import subscribers as reports
    from exhibit.visitors import subscribers as visitors
    booking.connect()
    _connect_plan_draft()
    plan_changes.connect()
    catalogue.connect()
    messaging.connect()
    consents.connect()
    reports.connect()
    visitors.connect()


def _connect_plan_draft() -> None:
    """The plan editor's draft asks booking who holds which booth (the floor plan itself
    never imports booking)."""
    from exhibit.booking import queries as booking_queries
    from exhibit.floorplan import draft as plan_draft
    if booking_queries.booth_states not in plan_draft.booking_readers:
        plan_draft.booking_readers.append(booking_queries.booth_states)


def _register_blueprints(app: Flask) -> None:
    from exhibit.accounts.views import bp as accounts_bp
    from exhibit.api import bp as api_bp
    from exhibit.b2b.views import bp as b2b_bp
    from exhibit.badges.views import bp as badges_bp
    from exhibit.booking.delegation_views import bp as coordinator_bp
    from exhibit.booking.views import bp as booking_bp
    from exhibit.catalogue.views import bp as catalogue_bp
    from exhibit.documents.views import bp as documents_bp
    from exhibit.floorplan.editor_views import bp as plan_editor_bp
    from exhibit.floorplan.versions_views import bp as plan_versions_bp
    from exhibit.floorplan.versions_views import clusters_bp
    from exhibit.floorplan.views import bp as floorplan_bp
    from exhibit.media.views import bp as media_bp
    from exhibit.messaging.views import bp as messaging_bp
    from exhibit.privacy import desk_views
    from exhibit.privacy.page_views import bp as privacy_bp
    from exhibit.profiles.views import bp as profiles_bp
    from exhibit.public.views import bp as public_bp
    from exhibit.reports.views import bp as reports_bp
    from exhibit.scanning.app_views import bp as scanner_bp
    from exhibit.scanning.views import bp as scanning_bp
    from exhibit.visitors.views import bp as visitors_bp
    from exhibit.weeks.views import bp as weeks_bp

    for blueprint in (public_bp, accounts_bp, weeks_bp, floorplan_bp, booking_bp, catalogue_bp,
                      media_bp, badges_bp, visitors_bp, documents_bp, b2b_bp, reports_bp, messaging_bp,
                      profiles_bp, scanning_bp, scanner_bp, privacy_bp, desk_views.bp,
                      desk_views.tasks_bp, desk_views.export_bp, api_bp, plan_editor_bp,
                      plan_versions_bp, clusters_bp, coordinator_bp):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, never cookies


def _register_template_helpers(app: Flask) -> None:
    from exhibit.accounts.browser import load_user
    from exhibit.vn import dates, money, phones
    login_manager.user_loader(load_user)

    app.jinja_env.filters["vnd"] = money.format_vnd
    app.jinja_env.filters["ddmmyyyy"] = dates.format_date
    app.jinja_env.filters["phone"] = phones.format_phone

    @app.template_filter("figure")
    def _figure(value, kind="count"):
        from exhibit.reports.figures import format_value
        return format_value(value, kind, g.get("lang", "vi"))

    @app.template_global("chart_svg")
    def _chart_svg(chart, title):
        from exhibit.reports.charts import svg
        return svg(chart, title, g.get("lang", "vi"))

    @app.template_filter("local_time")
    def _local_time(moment, fmt="%H:%M %d/%m/%Y"):
        return dates.to_vietnam_time(moment).strftime(fmt) if moment else ""

    from exhibit.core.links import public_url
    app.jinja_env.globals["public_url"] = public_url

    @app.context_processor
    def _globals():
        return {"lang": g.get("lang", "vi"), "current_path": request.full_path}
