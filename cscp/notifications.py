"""Telling people things: in the product and by email, each reminder once.

`notify` writes the in-app notification and the outbox email in the caller's transaction. The key makes a
second call for the same reminder a no-op, so scheduled work can run twice and send one reminder. Emails
are sent from the outbox after the transaction commits, and again by a beat task for anything left pending
while the broker or worker was down.
"""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cscp.models import Notification, OutboxEmail, Partnership, Person

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


SUBJECT_LENGTH = Notification._meta.get_field("subject").max_length


def subject_line(text: str) -> str:
    """A subject as one line that fits its column: titles people typed can be longer, or hold line breaks (which an
    email's header may not)."""
    line = " ".join(text.split())
    return line if len(line) <= SUBJECT_LENGTH else line[: SUBJECT_LENGTH - 1].rstrip() + "…"


def notify(*, recipient: Person, key: str, subject: str, body: str = "", url: str = "", email: bool = True) -> bool:
    """Tell one person something once. Returns False when this key was already used (nothing is sent).

    `key` names the reminder for this person, e.g. "actions.action.42.due-14:person.7".
    """
    subject = subject_line(subject)
    with transaction.atomic():
        if Notification.objects.filter(key=key).exists():
            return False
        try:
            with transaction.atomic():
                Notification.objects.create(recipient=recipient, key=key, subject=subject, body=body, url=url)
        except IntegrityError:
            # Another worker wrote the same reminder between our check and our insert.
            return False
        if email and recipient.is_active and recipient.email:
            partnership = Partnership.load()
            text = render_to_string(
                "emails/notification.txt",
                {
                    "recipient": recipient,
                    "subject": subject,
                    "body": body,
                    "link": absolute_url(url) if url else "",
                    "partnership": partnership,
                },
            )
            OutboxEmail.objects.create(key=key, to=recipient.email, subject=subject, body=text)
            transaction.on_commit(_queue_send)
    return True


def queue_email(*, key: str, to: str, subject: str, body: str) -> bool:
    """An email that is not a notification (an invitation). Once per key."""
    with transaction.atomic():
        _, created = OutboxEmail.objects.get_or_create(key=key, defaults={"to": to, "subject": subject, "body": body})
        if created:
            transaction.on_commit(_queue_send)
    return created


def _queue_send() -> None:
    try:
        send_outbox.delay()
    except Exception:  # noqa: BLE001 - the broker being down must not fail the user's request
        logger.warning("Broker unavailable: the outbox will be sent by the next scheduled run", exc_info=True)


def message_id_for(key: str) -> str:
    """The email's Message-ID, made from its outbox key: if a worker is killed after sending but before recording
    that it sent, the email sent again carries the same Message-ID, so mail systems and people can see it is the same
    message rather than a second reminder."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox.{digest}@{domain}>"


def outbox_send(*, limit: int = 200) -> int:
    """Send pending emails; each is marked sent in the same transaction that claims it."""
    sent = 0
    pending = list(OutboxEmail.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)[:limit])
    for pk in pending:
        with transaction.atomic():
            message = (
                OutboxEmail.objects.select_for_update(skip_locked=True).filter(pk=pk, sent_at__isnull=True).first()
            )
            if message is None:
                continue
            message.attempts += 1
            try:
                EmailMessage(
                    message.subject,
                    message.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [message.to],
                    headers={"Message-ID": message_id_for(message.key)},
                ).send()
            except Exception as exc:  # noqa: BLE001 - keep it pending and record why
                message.last_error = str(exc)[:2000]
                message.save(update_fields=["attempts", "last_error"])
                logger.warning("Could not send email %s: %s", message.pk, exc)
                continue
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "last_error", "sent_at"])
            sent += 1
    return sent


@shared_task(name="cscp.tasks.send_outbox")
def send_outbox() -> int:
    """The outbox's task sits beside the code that queues it, so queueing needs no import of cscp.tasks (which
    imports the services that notify)."""
    return outbox_send()


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
