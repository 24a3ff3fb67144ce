"""The shape every workflow's guards take (cscp/actions/guards.py, cscp/impact/guards.py, and each app after them).

A guard is one function per transition that reads the object and returns why the transition cannot happen now, in
the words the person reads, or "" when it can. The service refuses with it (`refuse`), the step's page shows it as a
warning, and the page that offers the button offers it only when the guard and the person's permission both allow,
so the three never disagree. Who may act is a separate question, answered by each app's rules.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refuse(blocked: str) -> None:
    """For a service: refuse the transition, with the guard's words, when its guard gives a reason."""
    if blocked:
        raise ValidationError(blocked)
