"""The service navigation: the parts of the product this person may use.

Apps add their own items when they start (see `register`), so the header grows with the product without
the core importing any app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    allowed: Callable[[object], bool]
    order: int = 100


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def navigation_for(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    shown = []
    for item in _items:
        if item.allowed(user):
            url = reverse(item.url_name)
            active = request.path == url if url == "/" else request.path.startswith(url)
            shown.append({"label": item.label, "url": url, "active": active})
    return shown
