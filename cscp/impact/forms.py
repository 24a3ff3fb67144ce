"""Forms for impact updates and escalations.

Forms only validate what was typed; the services in cscp.impact.services make the change and check it again.
Each form lists its fields, so anything else posted (a status, another group) is ignored. Text that partnership
admins write into the template (section titles and hints) is escaped here, because crispy-forms-gds prints
labels and hints as HTML.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Layout, Size
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape

from cscp import limits
from cscp.actions.models import Action
from cscp.forms.fields import GovDateField, LimitedTextField, PriorityField, ThemesField, character_count
from cscp.impact.models import (
    DecisionKind,
    Escalation,
    EvidenceLink,
    ImpactTemplateSection,
    ImpactUpdate,
    ReportingCycle,
)
from cscp.impact.selectors import REPORTING_KINDS
from cscp.models import Group, Meeting


def _helper(*fields, form_tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    # The error summary and the messages beside fields do the validating, not the browser's pop-ups.
    helper.attrs = {"novalidate": True}
    helper.layout = Layout(*fields)
    return helper


class VersionField(forms.CharField):
    """The version of the update the person started from, so a change made meanwhile is noticed. Whatever is
    posted passes to the service, which treats anything but the current version as a change made meanwhile: an
    error on a hidden field would be shown to nobody."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=False, max_length=20, **kwargs)


def meeting_label(meeting: Meeting) -> str:
    label = f"{date_format(meeting.date, 'j F Y')} – {meeting.group}"
    return f"{label}: {meeting.title}" if meeting.title else label


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return meeting_label(obj)


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


# The template.


class SectionForm(forms.Form):
    title = LimitedTextField(
        label="Section title",
        limit=limits.TITLE,
        noun="Section title",
        textarea=False,
        help_text="A question or heading, for example “What difference it made and the evidence for it”",
        required_message="Enter the section's title",
    )
    hint = LimitedTextField(
        label="Hint (optional)",
        limit=limits.SHORT_TEXT,
        noun="Hint",
        required=False,
        help_text="Shown under the title to the chair writing the update",
    )
    is_required = forms.BooleanField(label="Groups must answer this section", required=False)
    is_escalation = forms.BooleanField(
        label="Answers to this section are matters to escalate to the Board",
        required=False,
        help_text="An escalation raised from an update starts from its answer. Only one section can be this one",
    )
    is_active = forms.BooleanField(
        label="This section is in use",
        required=False,
        help_text="Retire a section by unticking this: updates already written keep their answers to it",
    )

    def __init__(self, *args, section: ImpactTemplateSection | None = None, **kwargs):
        if section is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": section.title,
                    "hint": section.hint,
                    "is_required": section.is_required,
                    "is_escalation": section.is_escalation,
                    "is_active": section.is_active,
                },
            )
        else:
            kwargs.setdefault("initial", {"is_required": True})
        super().__init__(*args, **kwargs)
        fields = [
            Field.text("title"),
            character_count(self, "hint", rows=3),
            Field.checkbox("is_required"),
            Field.checkbox("is_escalation"),
        ]
        if section is None:
            del self.fields["is_active"]
        else:
            fields.append(Field.checkbox("is_active"))
        self.helper = _helper(*fields)


# Reporting cycles.


class CycleForm(forms.Form):
    title = LimitedTextField(
        label="Title",
        limit=limits.TITLE,
        noun="Title",
        textarea=False,
        help_text="For example, Impact updates for the Board, March 2027",
        required_message="Enter a title for the reporting cycle",
    )
    board_meeting = MeetingChoiceField(
        label="Board meeting",
        queryset=Meeting.objects.none(),
        help_text="The Board meeting that will read these updates",
        error_messages={
            "required": "Choose the Board meeting that will read these updates",
            "invalid_choice": "Choose a Board meeting from the list",
        },
    )
    business_meeting = MeetingChoiceField(
        label="Business Group meeting (optional)",
        queryset=Meeting.objects.none(),
        required=False,
        help_text="The Business Group meeting that reviews the updates first",
        error_messages={"invalid_choice": "Choose a Business Group meeting from the list"},
    )
    due_date = GovDateField(
        label="Updates are due by",
        help_text="On or before the Business Group meeting (or the Board meeting if there is none). "
        "For example, 27 11 2026",
        required_message="Enter the date updates are due",
    )
    groups = GroupChoiceField(
        label="Groups that must report",
        queryset=Group.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one group that must report",
            "invalid_choice": "Choose groups from the list",
            "invalid_pk_value": "Choose groups from the list",
        },
    )

    def __init__(self, *args, cycle: ReportingCycle | None = None, **kwargs):
        reporting = Group.objects.filter(is_active=True, kind__in=REPORTING_KINDS)
        if cycle is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": cycle.title,
                    "board_meeting": cycle.board_meeting_id,
                    "business_meeting": cycle.business_meeting_id,
                    "due_date": cycle.due_date,
                    "groups": list(cycle.groups.values_list("pk", flat=True)),
                },
            )
        else:
            # Every active subgroup, Area Safeguarding Group and programme board reports unless the admin says not.
            kwargs.setdefault("initial", {"groups": list(reporting.values_list("pk", flat=True))})
        super().__init__(*args, **kwargs)
        taken = ReportingCycle.objects.all()
        if cycle is not None:
            taken = taken.exclude(pk=cycle.pk)
            group_choices = Group.objects.filter(pk__in=reporting.values("pk")) | cycle.groups.all()
        else:
            group_choices = reporting
        meetings = Meeting.objects.select_related("group").order_by("date", "pk")
        self.fields["board_meeting"].queryset = meetings.filter(group__kind=Group.Kind.BOARD).exclude(
            pk__in=taken.values("board_meeting_id")
        )
        self.fields["board_meeting"].empty_label = "Choose a Board meeting"
        self.fields["business_meeting"].queryset = meetings.filter(group__kind=Group.Kind.BUSINESS)
        self.fields["business_meeting"].empty_label = "No Business Group meeting"
        self.fields["groups"].queryset = group_choices.distinct().order_by("name")
        self.helper = _helper(
            Field.text("title", field_width="two-thirds"),
            Field.select("board_meeting"),
            Field.select("business_meeting"),
            Field("due_date"),
            Field.checkboxes("groups", legend_size=Size.MEDIUM, small=True),
        )


# Writing an update.


class SectionAnswerForm(forms.Form):
    text = LimitedTextField(limit=limits.NARRATIVE, noun="Your answer", required=False)
    version = VersionField()

    def __init__(self, *args, section: ImpactTemplateSection, **kwargs):
        super().__init__(*args, **kwargs)
        # The section's title is the page's heading, as on a GOV.UK question page.
        self.fields["text"].label = conditional_escape(section.title)
        self.fields["text"].help_text = conditional_escape(section.hint)
        self.helper = _helper(character_count(self, "text", label_size=Size.LARGE, label_tag="h1", rows=12), "version")


class ActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Action) -> str:
        return f"{obj.reference}: {obj.title} (due {date_format(obj.due_date, 'j F Y')})"


class LinkChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: EvidenceLink) -> str:
        return f"{obj.title} ({obj.kind})"


class EvidenceForm(forms.Form):
    actions = ActionChoiceField(
        label="Actions of this group that show the difference made",
        queryset=Action.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
        error_messages={
            "invalid_choice": "Choose actions from the list",
            "invalid_pk_value": "Choose actions from the list",
        },
    )
    remove_links = LinkChoiceField(
        label="Links to remove",
        queryset=EvidenceLink.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose links from the list",
            "invalid_pk_value": "Choose links from the list",
        },
    )
    link_title = LimitedTextField(
        label="Title of the evidence",
        limit=limits.LONG_TITLE,
        noun="Title of the evidence",
        textarea=False,
        required=False,
        help_text="For example, Multi-agency audit of neglect cases, January 2027",
    )
    link_url = LimitedTextField(
        label="Web address",
        limit=limits.URL,
        noun="Web address",
        textarea=False,
        required=False,
        help_text="Starting with https://, or the address of a page in this service",
    )
    version = VersionField()

    def __init__(self, *args, update: ImpactUpdate, **kwargs):
        linked = list(update.actions.values_list("pk", flat=True))
        # The actions linked already start ticked, whatever else the page starts from (the version).
        kwargs["initial"] = {"actions": linked, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        # Actions still being worked on, and any already linked even if closed since.
        self.fields["actions"].queryset = (
            (
                Action.objects.filter(owner_group=update.group).exclude(stage=Action.Stage.CLOSED)
                | Action.objects.filter(pk__in=linked)
            )
            .distinct()
            .order_by("reference")
        )
        links = update.evidence_links.order_by("kind", "title")
        self.fields["remove_links"].queryset = links
        fields = []
        if self.fields["actions"].queryset.exists():
            fields.append(Field.checkboxes("actions", legend_size=Size.MEDIUM, legend_tag="h2", small=True))
        else:
            del self.fields["actions"]
        if links.exists():
            fields.append(Field.checkboxes("remove_links", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["remove_links"]
        fields += [
            HTML.heading("h2", "m", "Add a link to other evidence"),
            Field.text("link_title"),
            Field.text("link_url", spellcheck="false"),
            "version",
        ]
        self.helper = _helper(*fields)


# Reviewing an update.


class CommentForm(forms.Form):
    text = LimitedTextField(
        label="Add a comment", limit=limits.COMMENT, noun="Comment", required_message="Enter your comment"
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)
        self.helper = _helper(character_count(self, "text", label_size=Size.SMALL, rows=4))


class RequestChangesForm(forms.Form):
    text = LimitedTextField(
        label="What should the group change?",
        limit=limits.COMMENT,
        noun="What the group should change",
        help_text="The chair and vice-chair are sent this, and can revise the update and submit it again",
        required_message="Enter what the group should change",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(character_count(self, "text", label_size=Size.LARGE, label_tag="h1", rows=6))


# Escalations.


class EscalationForm(forms.Form):
    group = forms.ModelChoiceField(
        label="Group raising the escalation",
        queryset=Group.objects.none(),
        error_messages={
            "required": "Choose the group raising the escalation",
            "invalid_choice": "Choose one of your groups from the list",
        },
    )
    title = LimitedTextField(
        label="Title",
        limit=limits.LONG_TITLE,
        noun="Title",
        textarea=False,
        help_text="A short summary the Board will see in its list, for example “Delays in initial health assessments”",
        required_message="Enter a title for the escalation",
    )
    concern = LimitedTextField(
        label="What is the concern?",
        limit=limits.NARRATIVE,
        noun="The concern",
        required_message="Enter the concern",
        help_text="What is happening, for which children, and why it matters",
    )
    evidence = LimitedTextField(
        label="What is the evidence?",
        limit=limits.NARRATIVE,
        noun="The evidence",
        required_message="Enter the evidence for the concern",
        help_text="Data, audit findings or practice examples, and where they come from",
    )
    ask = LimitedTextField(
        label="What are you asking the Board to do?",
        limit=limits.SHORT_TEXT,
        noun="What you are asking the Board to do",
        required_message="Enter what you are asking the Board to do",
        help_text="For example, to ask an agency to report back on its plan",
    )
    priority = PriorityField(empty_label="No particular priority")
    themes = ThemesField()
    board_meeting = MeetingChoiceField(
        label="Board meeting to take it to (optional)",
        queryset=Meeting.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose a Board meeting from the list"},
    )

    def __init__(self, *args, groups, fixed_group: Group | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        if fixed_group is not None:
            # Raised from an update: the update's group raises it, whatever is posted.
            del self.fields["group"]
        else:
            self.fields["group"].queryset = groups.order_by("name")
            self.fields["group"].empty_label = "Choose a group"
        self.fields["priority"].current_plan_only(today)
        self.fields["board_meeting"].queryset = (
            Meeting.objects.filter(group__kind=Group.Kind.BOARD, date__gte=today)
            .select_related("group")
            .order_by("date", "pk")
        )
        self.fields["board_meeting"].empty_label = "The next Board meeting that can take it"
        fields = [] if fixed_group is not None else [Field.select("group")]
        fields += [
            Field.text("title"),
            character_count(self, "concern", rows=5),
            character_count(self, "evidence", rows=5),
            character_count(self, "ask", rows=4),
        ]
        if self.fields["priority"].queryset.exists():
            fields.append(Field.select("priority"))
        else:
            del self.fields["priority"]
        if self.fields["themes"].queryset.exists():
            fields.append(Field.checkboxes("themes", legend_size=Size.SMALL, small=True))
        else:
            del self.fields["themes"]
        fields.append(Field.select("board_meeting"))
        self.helper = _helper(*fields)


class DecisionForm(forms.Form):
    """The Board's decision on an escalation, as its minute: what it decided, where it goes next, and why."""

    kind = forms.ChoiceField(
        label="What did the Board decide?",
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the Board decided", "invalid_choice": "Choose what the Board decided"},
    )
    deferred_to = MeetingChoiceField(
        label="If deferred: the Board meeting to take it",
        queryset=Meeting.objects.none(),
        required=False,
        help_text="The escalation waits for a decision at that meeting, and its Board pack shows it",
        error_messages={"invalid_choice": "Choose a Board meeting still to come"},
    )
    referred_to = forms.ModelChoiceField(
        label="If referred: the group it is referred to",
        queryset=Group.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose a group from the list"},
    )
    rationale = LimitedTextField(
        label="The Board's reasons, for the minutes",
        limit=limits.NARRATIVE,
        noun="The reasons",
        help_text="Why the Board decided this, and who will do what, by when",
        required_message="Enter the reason for the Board's decision",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deferred_to"].queryset = (
            Meeting.objects.filter(group__kind=Group.Kind.BOARD, date__gt=timezone.localdate())
            .select_related("group")
            .order_by("date", "pk")
        )
        self.fields["deferred_to"].empty_label = "Choose a Board meeting"
        self.fields["referred_to"].queryset = Group.objects.filter(is_active=True).order_by("name")
        self.fields["referred_to"].empty_label = "Choose a group"
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.select("deferred_to"),
            Field.select("referred_to"),
            character_count(self, "rationale", rows=6),
        )


class OutcomeForm(forms.Form):
    outcome = LimitedTextField(
        label="What was the outcome?",
        limit=limits.NARRATIVE,
        noun="The outcome",
        help_text="What happened as a result of the Board's decision. Recording it closes the escalation",
        required_message="Enter the outcome",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(character_count(self, "outcome", label_size=Size.LARGE, label_tag="h1", rows=6))


OPEN = "open"


class EscalationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), (OPEN, "Open (no outcome yet)"), *Escalation.Status.choices],
    )
    group = forms.ModelChoiceField(label="Raised by", required=False, queryset=Group.objects.none())

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups.order_by("name")
        self.fields["group"].empty_label = "Any group"
        self.helper = _helper(Field.select("status"), Field.select("group"))
