"""Fixtures of the permission matrix: one app per database (SQLite and PostgreSQL) with the
two-organisation world built once and every account signed in."""
from __future__ import annotations

import pytest
from flask import current_app

from exhibit.extensions import db, limiter
from tests.conftest import _test_app
from tests.permissions.matrix import Matrix
from tests.permissions.world import build_world


def _rate_limits_off(app) -> None:
    """Thousands of requests from one address must not answer 429, and must not use up the
    counters other tests' apps share in this process.

    ``RATELIMIT_ENABLED`` is set on this app only, after it is created: handing it to
    ``create_app`` would switch the process-wide Flask-Limiter off for every app made later
    (``init_app`` copies it onto the shared ``limiter``). The app's own counters
    (``core.limits``) read the setting per app; Flask-Limiter's route decorators skip the
    request through a filter that reads it too."""
    app.config["RATELIMIT_ENABLED"] = False
    if _limits_disabled_for_app not in limiter._request_filters:
        limiter.request_filter(_limits_disabled_for_app)


def _limits_disabled_for_app() -> bool:
    return current_app.config.get("RATELIMIT_ENABLED", True) is False


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def matrix(request, tmp_path_factory) -> Matrix:
    with _test_app(request.param, tmp_path_factory, "permissions") as app:
        _rate_limits_off(app)
        with app.app_context():
            world = build_world()
            db.session.remove()
        built = Matrix(app, world)
        built.sign_in_everyone()
        yield built
