"""A file sent to the browser. Never cached by a shared cache, since every one of them is
someone's data.

- ``download``: files this system made (contracts, reports, badges, exports): PDFs may open in
  the browser, spreadsheets are saved. The content is bytes, or an iterable of byte chunks
  (core.spreadsheets' csv_stream and xlsx_stream), which is streamed: sent while it is being
  produced, so a 100,000-row export never sits whole in a worker's memory.
- ``uploaded_file``: files people uploaded (certificate scans, signed contracts). A PDF from
  outside may carry scripts, so it is always saved, never opened inside the site, and carries a
  sandboxing Content-Security-Policy; a JPEG (re-encoded or checked by signature) may show.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import Response, has_request_context, stream_with_context

from exhibit.core.security import UPLOAD_POLICY


PRIVATE = "private, no-store"


def download(content: bytes | Iterable[bytes], mimetype: str, filename: str, *,
             inline: bool = False) -> Response:
    """``filename`` must be ASCII (HTTP headers are Latin-1).

    Streamed content runs after the view has returned, inside the request's context
    (``stream_with_context``) but not its database session, which is closed by then: a
    generator reads what it needs by id with the session current when it runs. One with a
    ``length`` (a finished file) is sent with its Content-Length."""
    disposition = "inline" if inline else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{filename}"',
               "Cache-Control": PRIVATE}
    if not isinstance(content, (bytes, bytearray)):
        length = getattr(content, "length", None)
        if length is not None:
            headers["Content-Length"] = str(length)
        if has_request_context():
            content = stream_with_context(content)
    return Response(content, mimetype=mimetype, headers=headers)


def uploaded_file(content: bytes, mimetype: str, filename: str) -> Response:
    response = download(content, mimetype, filename, inline=mimetype == "image/jpeg")
    response.headers["Content-Security-Policy"] = UPLOAD_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
