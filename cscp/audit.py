"""The audit-event log: workflow transitions and sign-ins, with who, when, what and from where.

Field-level history of every create, update and delete is kept by django-simple-history on each model;
this log records the things that are not a row changing (a sign-in) or that deserve a name of their own
(an update submitted, a person invited). Codes are dotted: `<app>.<entity>.<verb>`.
"""

from __future__ import annotations

from django.db.models import Model
from django.http import HttpRequest

from cscp.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR is set by the app server; behind a proxy, gunicorn's --forwarded-allow-ips rewrites it.
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    action: str,
    *,
    actor=None,
    obj: Model | None = None,
    message: str = "",
    request: HttpRequest | None = None,
    data: dict | None = None,
) -> AuditEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        message=message,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""),
        data=data or {},
    )
