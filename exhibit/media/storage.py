"""Files under UPLOAD_DIR, named by an unguessable key such as "photos/k3/k3Xw…Q.jpg".

A key is never reused, so a file's URL can be cached for a year. Public kinds ("photos") are
served by ``media.serve``; private kinds (certificate scans) only through a view that checks
who asks.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import current_app

PUBLIC_KINDS = ("photos",)
_KEY = re.compile(r"^[a-z]+/[A-Za-z0-9_-]{2}/[A-Za-z0-9_-]{16,64}\.(jpg|pdf)$")


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def new_key(kind: str, suffix: str) -> str:
    token = secrets.token_urlsafe(18)
    return f"{kind}/{token[:2]}/{token}{suffix}"


def is_valid_key(key: str) -> bool:
    return bool(_KEY.match(key or "")) and ".." not in key


def path_for(key: str) -> Path:
    if not is_valid_key(key):
        raise ValueError(f"not a media key: {key!r}")
    return upload_root() / key


def save(kind: str, suffix: str, content: bytes) -> str:
    """Write ``content`` to a new file (atomically: temp file, then rename); return its key."""
    key = new_key(kind, suffix)
    target = path_for(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    temporary.write_bytes(content)
    os.replace(temporary, target)
    return key


def save_written(kind: str, suffix: str, write) -> str:
    """Like :func:`save`, for large files: ``write(binary_file)`` streams into a temporary
    file that becomes the stored file only once it is complete."""
    key = new_key(kind, suffix)
    target = path_for(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    try:
        with temporary.open("wb") as handle:
            write(handle)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return key


def delete(*keys: str) -> None:
    """Remove files; a missing file is not an error (deleting twice is harmless)."""
    for key in keys:
        if key and is_valid_key(key):
            path_for(key).unlink(missing_ok=True)
