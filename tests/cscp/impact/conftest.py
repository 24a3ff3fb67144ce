"""Fixtures for impact updates and escalations: the agreed template, a cycle due in two weeks (the chair's
subgroup's vice-chair is tests/conftest.py's `vice_chair`)."""

from __future__ import annotations

import pytest

from cscp.impact import services
from tests.cscp.impact.factories import CycleFactory, business_meeting, standard_template


@pytest.fixture
def sections(partnership):
    return standard_template()


@pytest.fixture
def cycle(partnership):
    """Board in 30 days, Business Group in 20, updates due in 16; both subgroups report."""
    return CycleFactory(title="Board, spring", business_meeting=business_meeting(20))


@pytest.fixture
def update(partnership, sections, cycle):
    return services.impact_update_start(actor=partnership["chair"], cycle=cycle, group=partnership.subgroup)
