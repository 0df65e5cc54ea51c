"""Serving public media: long-lived caching, since a key is never reused."""
from __future__ import annotations

from flask import Blueprint, abort, send_file

from exhibit.media import storage

bp = Blueprint("media", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.route("/media/<path:key>")
def serve(key):
    if not storage.is_valid_key(key) or key.split("/", 1)[0] not in storage.PUBLIC_KINDS:
        abort(404)
    path = storage.path_for(key)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=ONE_YEAR, conditional=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
