"""Factories for impact updates and escalations, and helpers that build a reporting cycle around "today"."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from cscp.impact.models import Escalation, ImpactTemplateSection, ImpactUpdate, ImpactUpdateAnswer, ReportingCycle
from cscp.models import Group, Meeting
from tests.factories import GroupFactory, MeetingFactory, PersonFactory

# The agreed template the partnership's chairs answer (the framework's own headings).
STANDARD_SECTIONS = [
    ("What we did", "The group's work since its last update", True),
    ("What difference it made and the evidence for it", "For children and families, and how you know", True),
    ("What is not working", "", True),
    ("Risks", "", False),
    ("Matters to escalate", "Anything the Board needs to decide or know", False),
    ("Next steps", "", True),
]


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImpactTemplateSection

    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n + 1)
    is_required = True


# Its answers are the matters an escalation raised from the update starts from.
ESCALATION_SECTION = "Matters to escalate"


def standard_template() -> list[ImpactTemplateSection]:
    return [
        SectionFactory(title=title, hint=hint, is_required=required, order=n, is_escalation=title == ESCALATION_SECTION)
        for n, (title, hint, required) in enumerate(STANDARD_SECTIONS, start=1)
    ]


def board_group() -> Group:
    return GroupFactory(name="Partnership Board", kind=Group.Kind.BOARD)


def business_group() -> Group:
    return GroupFactory(name="Business Group", kind=Group.Kind.BUSINESS)


def board_meeting(days_ahead: int = 30, **kwargs) -> Meeting:
    return MeetingFactory(
        group=board_group(), date=timezone.localdate() + datetime.timedelta(days=days_ahead), **kwargs
    )


def business_meeting(days_ahead: int = 20, **kwargs) -> Meeting:
    return MeetingFactory(
        group=business_group(), date=timezone.localdate() + datetime.timedelta(days=days_ahead), **kwargs
    )


class CycleFactory(factory.django.DjangoModelFactory):
    """A cycle whose Board meeting is 30 days away (each further one 60 days later) and updates due 14 days
    before it. Its groups are every active subgroup unless `groups=[...]` is given."""

    class Meta:
        model = ReportingCycle
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Reporting cycle {n}")
    board_meeting = factory.LazyFunction(lambda: board_meeting(30 + 60 * ReportingCycle.objects.count()))
    due_date = factory.LazyAttribute(lambda c: c.board_meeting.date - datetime.timedelta(days=14))

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = Group.objects.filter(is_active=True, kind=Group.Kind.SUBGROUP)
        self.groups.set(extracted)


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImpactUpdate

    group = factory.SubFactory(GroupFactory)
    cycle = factory.SubFactory(CycleFactory)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImpactUpdateAnswer

    update = factory.SubFactory(UpdateFactory)
    section = factory.SubFactory(SectionFactory)
    text = factory.Faker("paragraph", locale="en_GB")


def submitted_update(group: Group, cycle: ReportingCycle | None = None, *, by=None, **kwargs) -> ImpactUpdate:
    """An update that its chair has submitted, with every section of the template answered."""
    values = {"status": ImpactUpdate.Status.SUBMITTED, "submitted_at": timezone.now(), **kwargs}
    update = UpdateFactory(group=group, cycle=cycle or CycleFactory(), submitted_by=by or PersonFactory(), **values)
    for section in ImpactTemplateSection.objects.filter(is_active=True):
        AnswerFactory(update=update, section=section, text=f"Our answer to {section.title}")
    return update


class EscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escalation

    title = factory.Sequence(lambda n: f"Concern {n}")
    concern = "Children wait too long for initial health assessments"
    evidence = "Only 41% were completed within 20 working days in the last quarter"
    ask = "Ask the ICB to report its recovery plan to the next Board"
    raised_by_group = factory.SubFactory(GroupFactory)
    raised_by = factory.SubFactory(PersonFactory)
