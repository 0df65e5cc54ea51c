"""The outbox: a message is a row written in the transaction of the change that causes it, and
sent once that transaction has committed.

- :func:`queue` (inside a write transaction) picks the channel, renders the wording and stores
  the message; the same idempotency key never makes a second row, so announcing a change twice,
  or two clock ticks at once, tell a person once.
- :func:`send_due` sends what is due: it claims each message (``pending`` → ``sending`` with a
  lease) in a short transaction of its own, sends it outside any transaction, and records the
  outcome. A failure is retried with backoff; a permanent refusal on Zalo or SMS moves the
  message on to the person's next channel. A sender that dies mid-send leaves the lease to
  expire and the next run sends it (a provider may then see it twice — SMTP gets the same
  Message-ID, Zalo the same tracking id — but nothing is ever lost).
- After each commit that queued something, the senders connected with :func:`on_queued`
  (:mod:`exhibit.messaging.dispatch`) are woken.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from exhibit.core.db import after_commit, is_postgres, require_write_transaction, utcnow, write_transaction
from exhibit.extensions import db
from exhibit.messaging import catalog, channels
from exhibit.messaging.models import Channel, Message, State

log = logging.getLogger(__name__)

#: after the n-th failed attempt, wait BACKOFF[n-1]; after the last, give up
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6))
MAX_ATTEMPTS = len(BACKOFF) + 1
#: a claimed message is someone's to send for this long
LEASE = timedelta(minutes=5)
_KICK = "exhibit.messaging.kick"
#: called once after each commit that queued messages (dispatch.kick, connected at start)
_wakers: list = []


def on_queued(waker) -> None:
    """Have ``waker()`` called after every commit that queued messages (connecting twice is a
    no-op)."""
    if waker not in _wakers:
        _wakers.append(waker)


def _wake_after_commit() -> None:
    """Once per transaction, however many messages it queued."""
    session = db.session()
    if session.info.get(_KICK):
        return
    session.info[_KICK] = True

    def wake():
        session.info.pop(_KICK, None)
        for waker in list(_wakers):
            waker()
    after_commit(wake)


@dataclass(frozen=True)
class Recipient:
    """Someone to tell, with what the outbox needs to reach them."""
    email: str
    phone: str = ""
    language: str = "vi"
    user_id: int | None = None
    by_zalo: bool = True
    by_sms: bool = True
    by_email: bool = True

    @property
    def key(self) -> str:
        return f"user-{self.user_id}" if self.user_id else f"to-{self.email or self.phone}"

    def address_for(self, channel: Channel) -> str:
        return self.email if channel is Channel.EMAIL else self.phone

    def accepts(self, channel: Channel) -> bool:
        return {Channel.ZALO: self.by_zalo, Channel.SMS: self.by_sms,
                Channel.EMAIL: self.by_email}[channel]


def recipient_for(user) -> Recipient:
    business = getattr(user, "business", None)
    return Recipient(email=user.email, phone=user.phone or (business.phone if business else ""),
                     language=user.locale or "vi", user_id=user.id, by_zalo=user.messages_by_zalo,
                     by_sms=user.messages_by_sms, by_email=user.messages_by_email)


def queue(event_key: str, recipient: Recipient, *, about: tuple[str, int], context: dict,
          occasion: str = "", week_id: int | None = None, business_id: int | None = None,
          attachments: list[dict] | None = None) -> bool:
    """Store the message telling ``recipient`` about ``event_key``, to be sent after commit.

    ``about`` is the domain object ("allocation", 12); ``occasion`` tells apart messages of the
    same event about the same object that are meant to be sent each time (a second reset link).
    ``attachments``: references to the files an email carries, made when it is sent
    (:mod:`exhibit.messaging.attachments`). False when the message was already in the outbox.
    """
    require_write_transaction("queue a message")
    event = catalog.EVENTS[event_key]
    key = ":".join(part for part in (event_key, f"{about[0]}-{about[1]}", occasion, recipient.key)
                   if part)
    channel, reason = choose_channel(event, recipient)
    row = _build(event, recipient, channel, key=key, about=about, context=context,
                 week_id=week_id, business_id=business_id, suppressed=reason)
    if attachments:
        row["params"]["attachments"] = [dict(reference) for reference in attachments]
    inserted = _insert(row)
    _wake_after_commit()
    return inserted


def choose_channel(event: catalog.Event, recipient: Recipient,
                   after: Channel | None = None) -> tuple[Channel, str]:
    """The first channel, in the event's order of preference (after ``after``, when moving a
    message on), that is configured, has a template, and by which the person can and wants to
    be reached; else the last allowed one and why it is suppressed."""
    allowed = list(event.channels)
    if after is not None:
        allowed = allowed[allowed.index(after) + 1:] if after in allowed else []
    configured = channels.configured_channels()
    reason = "no channel"
    for channel in allowed:
        if channel not in configured:
            continue
        if channel is Channel.ZALO and not channels.zalo_template_id(event.key):
            continue
        if not recipient.address_for(channel):
            reason = f"no {channel.value} address"
            continue
        if not recipient.accepts(channel) and not event.always:
            reason = f"{channel.value} turned off by the recipient"
            continue
        return channel, ""
    return (allowed[-1] if allowed else Channel.EMAIL), reason


def _build(event, recipient: Recipient, channel: Channel, *, key: str, about, context: dict,
           week_id, business_id, suppressed: str) -> dict:
    words = catalog.render(event.key, recipient.language, context)
    if channel is Channel.SMS:
        body = catalog.unaccented(words.short)
    elif channel is Channel.ZALO:
        body = words.short
    else:
        body = words.text
    zalo = {name: str(context.get(name, "")) for name in event.zalo_params}
    return dict(
        idempotency_key=key[:200], event=event.key, template_version=event.version,
        channel=channel.value, language=recipient.language,
        address=recipient.address_for(channel) or "", user_id=recipient.user_id,
        business_id=business_id, week_id=week_id, subject_type=about[0], subject_id=about[1],
        subject=words.subject[:300], body_text=body,
        body_html=words.html if channel is Channel.EMAIL else "",
        params={"context": context, "zalo": zalo, "recipient": _recipient_values(recipient)},
        state=State.SUPPRESSED.value if suppressed else State.PENDING.value,
        last_error=suppressed, attempts=0, next_attempt_at=utcnow(), created_at=utcnow())


def _recipient_values(recipient: Recipient) -> dict:
    return {"email": recipient.email, "phone": recipient.phone, "language": recipient.language,
            "user_id": recipient.user_id, "by_zalo": recipient.by_zalo,
            "by_sms": recipient.by_sms, "by_email": recipient.by_email}


def _insert(values: dict) -> bool:
    """Insert unless a message with the same idempotency key exists; True when inserted."""
    dialect = postgresql if is_postgres() else sqlite
    statement = dialect.insert(Message).values(**values).on_conflict_do_nothing(
        index_elements=["idempotency_key"]).returning(Message.id)
    return db.session.execute(statement).scalar() is not None


# -- sending ---------------------------------------------------------------------------------------

def due_ids(now: datetime, limit: int = 200) -> list[int]:
    return list(db.session.scalars(
        select(Message.id).where(_is_due(now)).order_by(Message.id).limit(limit)))


def _is_due(now: datetime):
    return or_(and_(Message.state == State.PENDING.value, Message.next_attempt_at <= now),
               and_(Message.state == State.SENDING.value, Message.lease_until < now))


def send_due(now: datetime | None = None, limit: int = 200) -> int:
    """Send every message that is due (new, retry time reached, or abandoned by a dead
    sender); how many were sent."""
    sent, seen = 0, set()
    while True:  # again for what this round added: a message moved on to the next channel
        fresh = [i for i in due_ids(now or utcnow(), limit) if i not in seen]
        if not fresh:
            return sent
        for message_id in fresh:
            seen.add(message_id)
            sent += send_one(message_id, now=now)


def send_one(message_id: int, now: datetime | None = None) -> int:
    """Claim, send and record one message; 1 when this call sent it."""
    claimed_at = now or utcnow()
    with write_transaction():
        claimed = db.session.execute(
            update(Message).where(Message.id == message_id, _is_due(claimed_at))
            .values(state=State.SENDING.value, lease_until=claimed_at + LEASE,
                    attempts=Message.attempts + 1)
            .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return 0  # another sender has it, or it is no longer due
    message = db.session.get(Message, message_id, populate_existing=True)
    try:
        provider_id = channels.send(message)
    except channels.DeliveryFailed as failure:
        _record_failure(message_id, failure, claimed_at)
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug in a transport must not stop the others
        log.exception("sending message %s failed", message_id)
        _record_failure(message_id, channels.DeliveryFailed(f"{type(exc).__name__}: {exc}"),
                        claimed_at)
        return 0
    with write_transaction():
        db.session.execute(update(Message).where(Message.id == message_id).values(
            state=State.SENT.value, sent_at=utcnow(), provider_id=provider_id[:200],
            lease_until=None, last_error="").execution_options(synchronize_session=False))
    return 1


def _record_failure(message_id: int, failure: channels.DeliveryFailed, now: datetime) -> None:
    with write_transaction():
        message = db.session.get(Message, message_id, populate_existing=True)
        message.last_error = failure.reason
        message.lease_until = None
        if failure.permanent or message.attempts >= MAX_ATTEMPTS:
            message.state = State.FAILED.value
            if failure.permanent:
                _move_on(message)
        else:
            message.state = State.PENDING.value
            message.next_attempt_at = now + BACKOFF[message.attempts - 1]


def _move_on(failed: Message) -> None:
    """A Zalo or SMS message the provider refuses for this person goes by their next channel."""
    event = catalog.EVENTS.get(failed.event)
    values = failed.params.get("recipient") or {}
    if event is None or not values:
        return
    recipient = Recipient(**values)
    channel, reason = choose_channel(event, recipient, after=Channel(failed.channel))
    if channel is Channel(failed.channel):
        return  # email refused for good: no channel after it
    context = dict(failed.params.get("context") or {})
    if context.get("privacy"):
        context["privacy"] = _privacy_link_for(context["privacy"], recipient, channel)
    # the next channel, or — when it cannot be used either — a suppressed row saying why
    row = _build(event, recipient, channel, key=f"{failed.idempotency_key}:{channel.value}",
                 about=(failed.subject_type, failed.subject_id),
                 context=context, week_id=failed.week_id,
                 business_id=failed.business_id, suppressed=reason)
    if failed.params.get("attachments"):
        row["params"]["attachments"] = failed.params["attachments"]
    _insert(row)
    _wake_after_commit()


def _privacy_link_for(link: str, recipient: Recipient, channel: Channel) -> str:
    """A visitor's privacy link (core.privacy_links) made again for the address ``channel``
    reaches: a link keyed by the phone a refused SMS went to must not travel on to the email
    given with it, which may be someone else's (and the other way round)."""
    from exhibit.core.privacy_links import privacy_link, read_token
    subject = read_token(link.rstrip("/").rsplit("/", 1)[-1])
    if subject is None:
        return ""
    if channel is Channel.EMAIL:
        return privacy_link(subject.organizer_id, email=recipient.email)
    return privacy_link(subject.organizer_id, phone=recipient.phone)


def resend(message: Message, *, actor) -> Message:
    """An organiser sends a message again, as it was written, to the same address."""
    require_write_transaction("resend a message")
    copy = Message(**{column: getattr(message, column) for column in (
        "event", "template_version", "channel", "language", "address", "user_id", "business_id",
        "week_id", "subject_type", "subject_id", "subject", "body_text", "body_html", "params")})
    copy.idempotency_key = f"resend:{message.id}:{utcnow().isoformat()}:{actor.id}"[:200]
    copy.resend_of_id = message.id
    copy.state = State.PENDING.value
    db.session.add(copy)
    _wake_after_commit()
    return copy
