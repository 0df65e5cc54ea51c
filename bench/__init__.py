"""Benchmarks, run as `python -m bench.<name>`; each prints its figures as JSON."""
from __future__ import annotations

import tempfile
from pathlib import Path


def throwaway_app(prefix: str):
    """An app on a new, migrated SQLite database in a temporary folder (uploads beside it)."""
    from flask_migrate import upgrade

    from exhibit import create_app
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "UPLOAD_DIR": str(folder / "uploads"), "REDIS_URL": None,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade()
    return app
