"""A file sent to the browser: PDFs shown inline, spreadsheets saved; never cached by a shared
cache, since every one of them is someone's data."""
from __future__ import annotations

from flask import Response


def download(content: bytes, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """``filename`` must be ASCII (HTTP headers are Latin-1)."""
    disposition = "inline" if inline else "attachment"
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'{disposition}; filename="{filename}"',
        "Cache-Control": "private, no-store"})
