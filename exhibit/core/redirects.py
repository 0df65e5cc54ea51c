"""Where a form goes back to: only ever a path on this site, never another host."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


def safe_next(default: str) -> str:
    """The ``next`` page asked for (query or form), if it is a path on this site; else
    ``default``. "//evil.example", "https://evil.example" and "/\\evil.example" are refused."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc \
            and not parts.scheme and "\\" not in target:
        return target
    return default
