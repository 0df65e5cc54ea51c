"""Files an email carries, made when it is sent from a reference stored with the message.

A message keeps no file: its ``params["attachments"]`` lists references — plain values, e.g.
``{"kind": "b2b.schedule", "week_id": 3, "side": "buyer", "business_id": 12, "language":
"vi"}`` — and the email channel asks :func:`produce` for the files when it builds the email
(so a retry or a resend carries the files as they stand then: a participant's schedule with
the latest swap). The outbox table stays small however many schedules a fair sends, and a file
that cannot be made (its participant gone) fails the sending like any other delivery problem.

Only email carries files; on Zalo or SMS the references are ignored.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes

    @property
    def maintype(self) -> str:
        return self.mimetype.split("/", 1)[0]

    @property
    def subtype(self) -> str:
        return self.mimetype.split("/", 1)[1]


def _b2b_schedule(week_id: int, side: str, business_id: int, language: str = "vi", **_more):
    from exhibit.b2b.files import schedule_files
    return schedule_files(week_id=week_id, side=side, business_id=business_id,
                          language=language)


#: a reference's kind → the function making its files, [(file name, MIME type, content)]
PRODUCERS = {"b2b.schedule": _b2b_schedule}


def produce(references) -> list[Attachment]:
    """The files of a message's references, in order; KeyError for a kind nobody makes."""
    files = []
    for reference in references or ():
        values = {k: v for k, v in reference.items() if k != "kind"}
        files += [Attachment(*made) for made in PRODUCERS[reference["kind"]](**values)]
    return files
