"""The small things a new user saw writing an update and escalating from it: a doubled title on the page and in the
emails, "None this cycle." offered as the concern, and "Save and continue" on an empty required section saying
nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cscp.impact import services
from cscp.impact.models import ImpactUpdateAnswer, ReportingCycle
from cscp.models import Notification
from cscp.reminders.services import remind_impact_updates
from tests.cscp.impact.factories import CycleFactory, business_meeting
from tests.cscp.structure_helpers import error_beside

pytestmark = pytest.mark.django_db

DECEMBER = "Impact updates for the Board, December 2026"


@pytest.mark.parametrize(
    ("cycle_title", "update_title"),
    [
        (DECEMBER, "Impact update for the Board, December 2026"),
        ("Impact update, spring 2027", "Impact update, spring 2027"),
        ("Spring 2027", "Impact update for Spring 2027"),
    ],
)
def test_an_updates_title_names_the_cycle_once(cycle_title, update_title):
    assert ReportingCycle(title=cycle_title).update_title == update_title


@pytest.fixture
def december(partnership, sections):
    return CycleFactory(title=DECEMBER, business_meeting=business_meeting(20))


def test_the_update_page_is_not_titled_impact_update_for_impact_updates(client_for, partnership, december):
    page = client_for("chair").get(reverse("impact:update-edit", args=[december.pk, partnership.subgroup.pk]))
    text = page.content.decode()
    assert "Impact update for the Board, December 2026" in text
    assert "Impact update for Impact updates" not in text


def test_the_reminder_email_does_not_repeat_impact_update(partnership, december):
    remind_impact_updates(today=december.due_date - datetime.timedelta(days=3))
    reminder = Notification.objects.get(recipient=partnership["chair"])
    assert "Impact update for the Board, December 2026 is due on" in reminder.body
    assert "Impact update for Impact updates" not in reminder.body
    assert "impact update for Impact updates" not in reminder.body


def test_the_submission_email_does_not_repeat_impact_update(partnership, sections, december):
    update = services.impact_update_start(actor=partnership["chair"], cycle=december, group=partnership.subgroup)
    for section in sections:
        services.impact_update_save_section(
            actor=partnership["chair"], update=update, section=section, text="Done", version=update.version
        )
    services.impact_update_submit(actor=partnership["chair"], update=update, version=update.version)
    subjects = list(Notification.objects.values_list("subject", flat=True))
    assert subjects and all("Impact updates" not in subject for subject in subjects)
    assert f"{partnership.subgroup} has submitted its impact update for the Board, December 2026" in subjects


# Escalating from an update.


def _escalation_section(sections):
    return next(section for section in sections if section.is_escalation)


@pytest.mark.parametrize("nothing", ["None this cycle.", "N/A", "Nothing to escalate at this time", "none"])
def test_an_answer_saying_there_is_nothing_to_escalate_is_not_offered_as_the_concern(
    client_for, partnership, sections, december, nothing
):
    update = services.impact_update_start(actor=partnership["chair"], cycle=december, group=partnership.subgroup)
    ImpactUpdateAnswer.objects.create(update=update, section=_escalation_section(sections), text=nothing)
    form = client_for("chair").get(reverse("impact:escalation-raise-from-update", args=[update.pk])).context["form"]
    assert not form["concern"].value()


def test_what_the_group_wrote_to_escalate_is_offered_as_the_concern(client_for, partnership, sections, december):
    update = services.impact_update_start(actor=partnership["chair"], cycle=december, group=partnership.subgroup)
    wrote = "We ask the Board to agree interim funding for return home interviews."
    ImpactUpdateAnswer.objects.create(update=update, section=_escalation_section(sections), text=wrote)
    form = client_for("chair").get(reverse("impact:escalation-raise-from-update", args=[update.pk])).context["form"]
    assert form["concern"].value() == wrote


# Saving an empty required section.


def test_save_and_continue_on_an_empty_required_section_says_so_beside_it(client_for, partnership, sections, december):
    update = services.impact_update_start(actor=partnership["chair"], cycle=december, group=partnership.subgroup)
    first = sections[0]
    assert first.is_required
    url = reverse("impact:update-section", args=[update.pk, first.pk])
    version = update.version
    response = client_for("chair").post(url, {"text": "   ", "version": version, "continue": "1"})
    assert response.status_code == 200
    assert error_beside(response, "text") == ["Enter what we did"]
    update.refresh_from_db()
    assert update.version == version and not ImpactUpdateAnswer.objects.filter(update=update).exists()


def test_save_and_come_back_later_may_leave_a_required_section_empty(client_for, partnership, sections, december):
    update = services.impact_update_start(actor=partnership["chair"], cycle=december, group=partnership.subgroup)
    url = reverse("impact:update-section", args=[update.pk, sections[0].pk])
    response = client_for("chair").post(url, {"text": "", "version": update.version, "later": "1"})
    assert response.status_code == 302


def test_save_and_continue_on_an_empty_optional_section_moves_on(client_for, partnership, sections, december):
    update = services.impact_update_start(actor=partnership["chair"], cycle=december, group=partnership.subgroup)
    optional = next(section for section in sections if not section.is_required)
    url = reverse("impact:update-section", args=[update.pk, optional.pk])
    response = client_for("chair").post(url, {"text": "", "version": update.version, "continue": "1"})
    assert response.status_code == 302
