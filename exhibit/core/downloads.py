"""A file sent to the browser. Never cached by a shared cache, since every one of them is
someone's data.

- ``download``: files this system made (contracts, reports, badges, exports): PDFs may open in
  the browser, spreadsheets are saved.
- ``uploaded_file``: files people uploaded (certificate scans, signed contracts). A PDF from
  outside may carry scripts, so it is always saved, never opened inside the site, and carries a
  sandboxing Content-Security-Policy; a JPEG (re-encoded or checked by signature) may show.
"""
from __future__ import annotations

from flask import Response

from exhibit.core.security import UPLOAD_POLICY


PRIVATE = "private, no-store"


def download(content: bytes, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """``filename`` must be ASCII (HTTP headers are Latin-1)."""
    disposition = "inline" if inline else "attachment"
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'{disposition}; filename="{filename}"',
        "Cache-Control": PRIVATE})


def uploaded_file(content: bytes, mimetype: str, filename: str) -> Response:
    response = download(content, mimetype, filename, inline=mimetype == "image/jpeg")
    response.headers["Content-Security-Policy"] = UPLOAD_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
