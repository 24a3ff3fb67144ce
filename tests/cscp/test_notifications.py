"""Reminders reach each person once, by email and in the product, and none is lost while the broker is down."""

from unittest import mock

from django.core import mail

from cscp.models import Notification, OutboxEmail
from cscp.notifications import notify, outbox_send


def test_a_reminder_is_written_once_however_often_it_is_sent(partnership, django_capture_on_commit_callbacks):
    chair = partnership["chair"]
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipient=chair, key="test.reminder.1:chair", subject="Your update is due", url="/")
        second = notify(recipient=chair, key="test.reminder.1:chair", subject="Your update is due", url="/")
    assert (first, second) == (True, False)
    assert Notification.objects.filter(recipient=chair).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [chair.email]
    assert "Your update is due" in mail.outbox[0].body


def test_the_email_links_straight_to_the_thing(partnership, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://assurance.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=partnership["chair"], key="k", subject="Look", url="/groups/1/")
    assert "https://assurance.example.org/groups/1/" in mail.outbox[0].body


def test_an_email_written_while_the_broker_is_down_is_sent_by_the_next_scheduled_run(
    partnership, django_capture_on_commit_callbacks
):
    with (
        mock.patch("cscp.tasks.send_outbox.delay", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notify(recipient=partnership["chair"], key="k2", subject="Due soon")
    assert mail.outbox == []
    assert OutboxEmail.objects.get(key="k2").sent_at is None

    assert outbox_send() == 1
    assert outbox_send() == 0
    assert len(mail.outbox) == 1


def test_a_failed_send_stays_pending_with_its_reason(partnership):
    OutboxEmail.objects.create(key="k3", to="x@example.org", subject="S", body="B")
    with mock.patch("cscp.notifications.EmailMessage.send", side_effect=OSError("SMTP refused")):
        assert outbox_send() == 0
    message = OutboxEmail.objects.get(key="k3")
    assert message.sent_at is None and message.attempts == 1 and "SMTP refused" in message.last_error
    assert outbox_send() == 1


def test_a_deactivated_person_gets_no_email_but_keeps_the_record(partnership, django_capture_on_commit_callbacks):
    chair = partnership["chair"]
    chair.is_active = False
    chair.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=chair, key="k4", subject="S")
    assert Notification.objects.filter(key="k4").exists()
    assert mail.outbox == []


def test_an_email_sent_again_after_a_crash_carries_the_same_message_id(partnership, mailoutbox):
    from cscp.models import OutboxEmail
    from cscp.notifications import outbox_send

    waiting = OutboxEmail.objects.create(
        key="reminder.action.7.due:person.3", to="chair@example.org", subject="S", body="B"
    )
    outbox_send()
    # The worker was killed after the email went but before `sent_at` was committed: it goes again.
    OutboxEmail.objects.filter(pk=waiting.pk).update(sent_at=None)
    outbox_send()
    first, again = mailoutbox
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"].startswith("<outbox.") and first.extra_headers["Message-ID"].endswith(">")
    other = OutboxEmail.objects.create(
        key="reminder.action.8.due:person.3", to="chair@example.org", subject="S", body="B"
    )
    outbox_send()
    assert mailoutbox[-1].extra_headers["Message-ID"] != first.extra_headers["Message-ID"]
    assert other.key != waiting.key


def test_a_subject_made_from_a_long_title_is_cut_to_fit_and_kept_on_one_line(
    partnership, django_capture_on_commit_callbacks
):
    # An escalation's title may be 300 characters, and the group's name comes before it: the subject's column is
    # 200, which PostgreSQL enforces; and an email's subject may not hold a line break.
    title = "Escalation:\n" + "x" * 400
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=partnership["chair"], key="long", subject=title, url="/")
    stored = Notification.objects.get(key="long").subject
    assert len(stored) == 200 and stored.endswith("…") and "\n" not in stored
    assert OutboxEmail.objects.get(key="long").subject == stored
    assert mail.outbox[0].subject == stored
