"""The agreed impact template: admins add, change, reorder and retire its sections."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cscp.impact import services
from cscp.impact.demo import ImpactDemo
from cscp.impact.models import ImpactTemplateSection, ImpactUpdate
from tests.cscp.impact.factories import STANDARD_SECTIONS, CycleFactory
from tests.cscp.structure_helpers import error_beside, last_event

pytestmark = pytest.mark.django_db


def _titles(response, key="sections") -> list[str]:
    return [section.title for section in response.context[key]]


def test_the_template_lists_its_sections_in_order(client_for, sections):
    response = client_for("admin").get(reverse("impact:template"))
    assert _titles(response) == [title for title, _, _ in STANDARD_SECTIONS]


def test_an_admin_adds_a_section_at_the_end(client_for, partnership, sections):
    response = client_for("admin").post(
        reverse("impact:section-create"),
        {"title": "Voice of the child", "hint": "What children told us", "is_required": "on"},
    )
    assert response["Location"] == reverse("impact:template")
    section = ImpactTemplateSection.objects.get(title="Voice of the child")
    assert section.order == len(sections) + 1 and section.is_required and section.is_active
    assert last_event("impact.section.created").actor == partnership["admin"]


def test_a_section_needs_a_title(client_for, partnership):
    response = client_for("admin").post(reverse("impact:section-create"), {"title": "  "})
    assert response.status_code == 200
    assert error_beside(response, "title") == ["Enter the section's title"]
    assert not ImpactTemplateSection.objects.exists()


def test_an_admin_makes_a_section_optional_and_renames_it(client_for, sections):
    section = sections[0]
    response = client_for("admin").post(
        reverse("impact:section-edit", args=[section.pk]), {"title": "What the group did", "is_active": "on"}
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.title, section.is_required, section.is_active) == ("What the group did", False, True)


def test_a_retired_section_leaves_updates_being_written_but_stays_in_submitted_ones(client_for, partnership, sections):
    chair = partnership["chair"]
    cycle = CycleFactory()
    update = services.impact_update_start(actor=chair, cycle=cycle, group=partnership.subgroup)
    for section in sections:
        update.refresh_from_db()
        services.impact_update_save_section(
            actor=chair, update=update, section=section, text=f"On {section.title}", version=update.version
        )
    update.refresh_from_db()
    services.impact_update_submit(actor=chair, update=update, version=update.version)
    draft = services.impact_update_start(actor=partnership.other_chair, cycle=cycle, group=partnership.other_subgroup)

    risks = sections[3]
    client_for("admin").post(reverse("impact:section-edit", args=[risks.pk]), {"title": "Risks"})
    risks.refresh_from_db()
    assert not risks.is_active
    assert last_event("impact.section.retired") is not None

    template = client_for("admin").get(reverse("impact:template"))
    assert "Risks" not in _titles(template) and _titles(template, "retired") == ["Risks"]
    assert "Risks" in client_for("board").get(reverse("impact:update-detail", args=[update.pk])).content.decode()
    task_list = client_for(None)
    task_list.force_login(partnership.other_chair)
    page = task_list.get(reverse("impact:update-edit", args=[cycle.pk, partnership.other_subgroup.pk])).content.decode()
    assert reverse("impact:update-section", args=[draft.pk, risks.pk]) not in page
    assert ImpactUpdate.objects.get(pk=update.pk).answers.filter(section=risks).exists()


def test_an_admin_moves_a_section_up_and_down(client_for, sections):
    client = client_for("admin")
    client.post(reverse("impact:section-move", args=[sections[2].pk]), {"direction": "up"})
    assert _titles(client.get(reverse("impact:template")))[:3] == [
        "What we did",
        "What is not working",
        "What difference it made and the evidence for it",
    ]
    client.post(reverse("impact:section-move", args=[sections[0].pk]), {"direction": "down"})
    assert _titles(client.get(reverse("impact:template")))[:2] == ["What is not working", "What we did"]


def test_moving_the_first_section_up_changes_nothing(client_for, sections):
    client_for("admin").post(reverse("impact:section-move", args=[sections[0].pk]), {"direction": "up"})
    assert list(ImpactTemplateSection.objects.order_by("order", "pk")) == sections


def test_a_made_up_direction_is_refused_not_a_crash(client_for, sections):
    response = client_for("admin").post(
        reverse("impact:section-move", args=[sections[1].pk]), {"direction": "sideways"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose to move the section up or down" in response.content.decode()


def test_only_admins_change_the_template(client_for, sections):
    response = client_for("business").post(reverse("impact:section-move", args=[sections[1].pk]), {"direction": "up"})
    assert response.status_code == 403
    assert list(ImpactTemplateSection.objects.order_by("order", "pk")) == sections


# The escalation section: its answers are the matters an escalation raised from the update starts from.


def _escalation_titles() -> list[str]:
    return list(ImpactTemplateSection.objects.filter(is_escalation=True).values_list("title", flat=True))


def test_an_admin_marks_the_section_whose_answers_are_matters_to_escalate(client_for, partnership, sections):
    escalate = next(s for s in sections if s.title == "Matters to escalate")
    client = client_for("admin")
    client.post(reverse("impact:section-edit", args=[escalate.pk]), {"title": escalate.title, "is_active": "on"})
    assert _escalation_titles() == []
    form = client.get(reverse("impact:section-edit", args=[sections[3].pk])).context["form"]
    assert "is_escalation" in form.fields
    response = client.post(
        reverse("impact:section-edit", args=[sections[3].pk]),
        {"title": "Risks", "is_active": "on", "is_escalation": "on"},
    )
    assert response.status_code == 302
    assert _escalation_titles() == ["Risks"]
    assert last_event("impact.section.updated").data["changes"] == {"is_escalation": ["False", "True"]}


def test_only_one_section_in_use_holds_the_matters_to_escalate(client_for, sections):
    risks = sections[3]
    response = client_for("admin").post(
        reverse("impact:section-edit", args=[risks.pk]), {"title": "Risks", "is_active": "on", "is_escalation": "on"}
    )
    assert response.status_code == 200
    assert error_beside(response, "is_escalation") == [
        "Only one section can hold the matters to escalate to the Board: untick it on “Matters to escalate” first"
    ]
    assert _escalation_titles() == ["Matters to escalate"]
    response = client_for("admin").post(
        reverse("impact:section-create"), {"title": "Concerns for the Board", "is_escalation": "on"}
    )
    assert error_beside(response, "is_escalation")
    assert not ImpactTemplateSection.objects.filter(title="Concerns for the Board").exists()


def test_a_retired_escalation_section_does_not_stop_another_taking_its_place(partnership, sections):
    escalate = next(s for s in sections if s.title == "Matters to escalate")
    admin = partnership["admin"]
    services.impact_section_update(
        actor=admin, section=escalate, title=escalate.title, is_required=False, is_active=False, is_escalation=True
    )
    added = services.impact_section_create(actor=admin, title="Concerns for the Board", is_escalation=True)
    assert added.is_escalation
    # Bringing the old one back would make two.
    with pytest.raises(ValidationError) as refused:
        services.impact_section_update(
            actor=admin, section=escalate, title=escalate.title, is_active=True, is_escalation=True
        )
    assert list(refused.value.message_dict) == ["is_escalation"]


def test_the_demo_template_marks_its_escalation_section(partnership):
    ImpactDemo().load_template()
    assert _escalation_titles() == ["Matters to escalate to the Board"]
