"""Links that leave the page — printed on paper (QR codes, PDFs) or handed to programs (the API's
``url`` fields) — always start with PUBLIC_BASE_URL, never with whatever Host a request claimed."""
from __future__ import annotations

from flask import current_app, has_request_context, url_for


def absolute_url(path: str) -> str:
    """PUBLIC_BASE_URL + ``path`` ("/e/k7q29xmd3pla")."""
    return current_app.config["PUBLIC_BASE_URL"] + path


def public_url(endpoint: str, **values) -> str:
    """``url_for`` on the public base: the same link whoever asked, through whichever proxy —
    or nobody: the clock and the workers build links for messages outside any request."""
    if has_request_context():
        return absolute_url(url_for(endpoint, **values))
    with current_app.test_request_context("/"):
        return absolute_url(url_for(endpoint, **values))
