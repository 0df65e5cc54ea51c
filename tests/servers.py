"""A real SMTP server (aiosmtpd) and a stand-in for the Zalo ZNS and SMS providers' HTTP APIs,
both on free local ports, recording what they receive and able to fail on demand."""
from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller


class _Mailbox:
    """aiosmtpd handler: keeps every message; ``refuse_next`` answers that many with 451."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_next = 0
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.refuse_next:
            self.refuse_next -= 1
            return "451 4.3.0 try again later"
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(parsed)
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list:
        """The messages once ``count`` have arrived (fails after ``timeout`` seconds)."""
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout), \
                f"{len(self.messages)} of {count} emails arrived within {timeout} s"
            return list(self.messages)

    def wait_for_one(self, wanted, timeout: float = 10):
        """The first email for which ``wanted(email)`` is true, once it has arrived (fails
        after ``timeout`` seconds, naming the subjects that did arrive): for servers that also
        send other messages of their outbox meanwhile."""
        def found():
            return next((message for message in self.messages if wanted(message)), None)
        with self.arrived:
            assert self.arrived.wait_for(found, timeout=timeout), \
                f"no such email within {timeout} s; arrived: {[m['Subject'] for m in self.messages]}"
            return found()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    mailbox = _Mailbox()
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    yield mailbox
    controller.stop()


@dataclass
class _Provider:
    """What the fake Zalo and SMS APIs were sent, and how they should answer."""
    requests: list = field(default_factory=list)
    #: answers to give first, in order: an HTTP status (int) or a JSON body (dict)
    answers: list = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def sent_to(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


@pytest.fixture
def provider():
    state = _Provider()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append({"path": self.path, "json": body,
                                   "headers": {k.lower(): v for k, v in self.headers.items()}})
            answer = state.answers.pop(0) if state.answers else None
            if isinstance(answer, int):
                self.send_response(answer)
                self.end_headers()
                return
            if answer is None:
                answer = ({"error": 0, "message": "Success",
                           "data": {"msg_id": f"zns-{len(state.requests)}"}}
                          if self.path.startswith("/zalo") else {"id": f"sms-{len(state.requests)}"})
            raw = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def mail_to(app, smtp_server):
    """The app sends email to the test SMTP server for the length of a test."""
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    yield smtp_server
    app.config.update(saved)


@pytest.fixture
def zalo_and_sms(app, provider):
    """Zalo ZNS (with a template for every booking event) and SMS configured on the fake APIs."""
    from exhibit.messaging.catalog import EVENTS
    keys = ("ZALO_ZNS_ACCESS_TOKEN", "ZALO_ZNS_URL", "ZALO_ZNS_TEMPLATES", "SMS_API_URL",
            "SMS_API_KEY")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(
        ZALO_ZNS_ACCESS_TOKEN="oa-token", ZALO_ZNS_URL=provider.url("/zalo/template"),
        ZALO_ZNS_TEMPLATES={key: str(400000 + n) for n, key in enumerate(sorted(EVENTS))
                            if key.startswith("booking.")},
        SMS_API_URL=provider.url("/sms/send"), SMS_API_KEY="sms-key")
    yield provider
    app.config.update(saved)
