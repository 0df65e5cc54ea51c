"""Does PUBLIC_BASE_URL lead to this app? Every printed QR code and shared link starts with it
(core/links.py), so when it names another port or host than the one the app is served on,
every code printed from that setup is dead. The app cannot know its public address for sure (a
proxy may stand in front of it), but it can see the address its first visitor used, and say
once, in the log, when the two disagree.

``make run PORT=N`` sets PUBLIC_BASE_URL to http://127.0.0.1:N unless it is given; this check
is for every other way of starting the app.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request

#: names that all mean "this machine": a browser on it reaches the app by any of them
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _address(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL, with the scheme's default port filled in and every
    loopback name read as one."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    except ValueError:  # a port that is not a number
        port = 0
    return scheme, "localhost" if host in _LOOPBACK else host, port


def disagreement(public_base_url: str, served_url: str) -> str | None:
    """A sentence for the log when PUBLIC_BASE_URL and the address the app was reached at
    differ in scheme, host or port; None when they agree."""
    if not public_base_url or _address(public_base_url) == _address(served_url):
        return None
    return (f"PUBLIC_BASE_URL is {public_base_url} but this app is served at "
            f"{served_url.rstrip('/')}: printed QR codes and shared links point at "
            f"{public_base_url}. Set PUBLIC_BASE_URL to the address people use "
            "(make run PORT=N sets it to http://127.0.0.1:N).")


def init_app(app: Flask) -> None:
    """Compare PUBLIC_BASE_URL with the first request's address, and warn once if they differ."""
    state = {"checked": False}

    @app.before_request
    def _check_public_base_url():
        if state["checked"]:
            return
        state["checked"] = True
        message = disagreement(app.config.get("PUBLIC_BASE_URL", ""), request.host_url)
        if message:
            app.logger.warning(message)
