"""Sections that apps contribute to pages the core composes: the home dashboard and the Board pack.

Each app registers its sections when it starts (in its AppConfig.ready), much as Django's admin collects
each app's admin.py, so the core never imports an evidence app and a new app adds its section without
touching the core.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    # Returns the section's context for this request, or None when it has nothing for this person.
    context: Callable[..., dict[str, Any] | None]
    order: int = 100


class SectionRegistry:
    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def register(self, section: Section) -> None:
        self._sections[section.key] = section

    def sections(self, positions: dict[str, int] | None = None) -> list[Section]:
        """In order: by `positions` ({key: position}, as the partnership set them) where given, else by `order`."""
        positions = positions or {}
        return sorted(self._sections.values(), key=lambda s: (positions.get(s.key, s.order), s.order, s.key))

    def render_context(self, *, positions: dict[str, int] | None = None, **kwargs) -> list[dict[str, Any]]:
        """The sections that have something to show, each with its template and context."""
        shown = []
        for section in self.sections(positions):
            context = section.context(**kwargs)
            if context is not None:
                shown.append({"section": section, "template": section.template, "context": context})
        return shown


# The home page: what needs each person's attention. Context callables take `request`.
home_sections = SectionRegistry()
# The Board pack: context callables take `meeting` and `shared` (a dict the sections of one pack may use to work
# something out once, each app under keys of its own), and should accept `**kwargs`. The partnership sets their
# order (cscp.boardpack's settings page); `order` is where a section goes until it does.
board_pack_sections = SectionRegistry()
# The parts of the Board pack's executive summary, one per app. Context callables take `meeting`, `shared` and
# `previous`: the `figures` this part returned for the last Board meeting's pack (or None), so it can say what
# changed since. The context may hold `figures`, a small dict of plain values, stored with the pack for the next.
board_pack_summaries = SectionRegistry()
# What the apps put to the Board for sign-off (a report to approve), listed under "Decisions the Board is asked to
# make". Context callables take `meeting` and `shared`; None when there is nothing for this meeting.
board_pack_decisions = SectionRegistry()


# Each app's demo data: `cscp.demo_loading.DemoLoader` subclasses, appended by each app's `demo.py` and run by
# `seed_demo` after the core's demo partnership, each in a transaction of its own. They create what is missing and
# never change what exists.
demo_loaders: list = []
