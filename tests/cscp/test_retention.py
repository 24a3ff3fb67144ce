"""Sign-in records and notifications are kept for two years, as the privacy notice says; workflow events stay."""

import datetime

from django.utils import timezone

from cscp.models import AuditEvent, Notification
from cscp.tasks import apply_retention


def test_records_older_than_two_years_are_deleted_and_the_rest_kept(partnership):
    old = timezone.now() - datetime.timedelta(days=2 * 365 + 1)
    recent = timezone.now() - datetime.timedelta(days=30)
    AuditEvent.objects.create(action="cscp.auth.signed_in", created_at=old, ip_address="10.0.0.1")
    AuditEvent.objects.create(action="cscp.auth.signed_in", created_at=recent)
    AuditEvent.objects.create(action="cscp.person.invited", created_at=old)
    Notification.objects.create(recipient=partnership["chair"], subject="Old", created_at=old)
    Notification.objects.create(recipient=partnership["chair"], subject="New", created_at=recent)

    assert apply_retention.delay().get()["sign-in events"] == 1
    assert apply_retention.delay().get()["sign-in events"] == 0

    assert list(AuditEvent.objects.filter(action="cscp.auth.signed_in").values_list("created_at", flat=True)) == [
        recent
    ]
    assert AuditEvent.objects.filter(action="cscp.person.invited").exists()
    assert list(Notification.objects.values_list("subject", flat=True)) == ["New"]
