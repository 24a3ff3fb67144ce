"""Forms for the action tracker: its filters, raising and changing an action, and each step of its life.

Every form lists its fields, so anything else posted (a stage, a sign-off, another group) is ignored. The forms
only validate what was typed; the services in `cscp.actions.services` check the rules again and make the change,
and their errors are put beside the matching field.
"""

from __future__ import annotations

import django_filters
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from cscp import limits
from cscp.actions import status as st
from cscp.actions.models import Action
from cscp.forms.fields import (
    GovDateField,
    LimitedTextField,
    PriorityChoiceField,
    PriorityField,
    ThemesField,
    character_count,
)
from cscp.models import Agency, Group, Person, Priority, Theme
from cscp.permissions import chaired_group_ids, is_partnership_admin
from cscp.selectors import agencies_visible_to, groups_visible_to


class GovDateFilter(django_filters.DateFilter):
    """A date filter asked for with the GOV.UK day, month and year boxes, like every other date."""

    field_class = GovDateField


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj} ({obj.email})"


# The tracker's filters.


class ActionFilter(django_filters.FilterSet):
    """The tracker's filters. A value that is not one of the choices is shown as an error and ignored, so the
    rest of the filters still apply."""

    q = django_filters.CharFilter(label="Reference or title", method="search", max_length=limits.SEARCH)
    source = django_filters.ChoiceFilter(
        label="Source",
        choices=Action.Source.choices,
        empty_label="All sources",
        error_messages={"invalid_choice": "Choose a source from the list"},
    )
    owner_group = django_filters.ModelChoiceFilter(
        label="Owner group",
        queryset=Group.objects.none(),
        empty_label="All groups",
        error_messages={"invalid_choice": "Choose a group from the list"},
    )
    owner_agency = django_filters.ModelChoiceFilter(
        label="Owner agency",
        queryset=Agency.objects.none(),
        empty_label="All agencies",
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )
    priority = django_filters.ModelChoiceFilter(
        label="Business plan priority",
        queryset=Priority.objects.none(),
        empty_label="All priorities",
        error_messages={"invalid_choice": "Choose a priority from the list"},
    )
    theme = django_filters.ModelChoiceFilter(
        label="Theme",
        field_name="themes",
        queryset=Theme.objects.none(),
        empty_label="All themes",
        error_messages={"invalid_choice": "Choose a theme from the list"},
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=(("open", "Open (not completed or closed)"), *st.CHOICES),
        empty_label="Any status",
        method="filter_status",
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    due_after = GovDateFilter(label="Due on or after", field_name="due_date", lookup_expr="gte")
    due_before = GovDateFilter(label="Due on or before", field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Action
        fields = [
            "q",
            "status",
            "source",
            "owner_group",
            "owner_agency",
            "priority",
            "theme",
            "due_after",
            "due_before",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, hide: tuple[str, ...] = (), **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        for name in hide:
            self.filters.pop(name, None)
        user = request.user if request is not None else None
        choices = {
            "owner_group": groups_visible_to(user).order_by("name"),
            "owner_agency": agencies_visible_to(user).order_by("name"),
            "priority": Priority.objects.select_related("plan").order_by("-plan__start_date", "number"),
            "theme": Theme.objects.order_by("name"),
        }
        for name, queryset in choices.items():
            if name in self.filters:
                self.filters[name].queryset = queryset
        if "priority" in self.filters:
            self.filters["priority"].field_class = PriorityChoiceField

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__iexact=value) | Q(title__icontains=value))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # `status` is the annotation from selectors.with_status, so this is a filter in SQL.
        if value == "open":
            return queryset.filter(stage=Action.Stage.OPEN)
        return queryset.filter(status=value)

    @property
    def active(self) -> bool:
        # A date filter arrives as three boxes: due_after_0, _1 and _2.
        return any(self.data.get(name) or self.data.get(f"{name}_0") for name in self.filters)


# Raising and changing an action.


class GovukForm(forms.Form):
    submit_label = "Save"

    def make_helper(self, *fields) -> FormHelper:
        helper = FormHelper(self)
        # The error summary and the messages beside fields do the validating, not the browser's pop-ups.
        helper.attrs = {"novalidate": True}
        helper.layout = Layout(*fields, Submit("submit", self.submit_label))
        return helper


class ActionForm(GovukForm):
    title = LimitedTextField(
        label="Action",
        limit=limits.LONG_TITLE,
        noun="The action",
        textarea=False,
        help_text="What must be done, in a sentence. For example, Review the threshold guidance with schools",
        required_message="Enter the action",
    )
    description = LimitedTextField(
        label="More detail (optional)",
        limit=limits.SHORT_TEXT,
        noun="More detail",
        required=False,
        help_text="What done looks like, and anything the owner needs to know",
    )
    source = forms.ChoiceField(
        label="Where the action came from",
        choices=Action.Source.choices,
        error_messages={
            "required": "Choose where the action came from",
            "invalid_choice": "Choose where the action came from",
        },
    )
    source_reference = LimitedTextField(
        label="Source reference (optional)",
        limit=limits.LONG_TITLE,
        noun="Source reference",
        textarea=False,
        required=False,
        help_text="For example, LCSPR Child T, recommendation 3",
    )
    source_url = LimitedTextField(
        label="Link to the source (optional)",
        limit=limits.URL,
        noun="Link to the source",
        textarea=False,
        required=False,
        help_text="A page in this service, like /reviews/3/, or a web address",
    )
    owner_group = forms.ModelChoiceField(
        label="Owner group",
        queryset=Group.objects.none(),
        required=False,
        help_text="The group that answers for the action and signs it off",
        error_messages={"invalid_choice": "Choose a group from the list"},
    )
    owner_agency = forms.ModelChoiceField(
        label="Owner agency (optional)",
        queryset=Agency.objects.none(),
        required=False,
        help_text="The agency that must do it, if it is one agency's",
        error_messages={"invalid_choice": "Choose an agency from the list"},
    )
    owner_person = PersonChoiceField(
        label="Named owner (optional)",
        queryset=Person.objects.none(),
        required=False,
        help_text="The person who will do it or see that it is done",
        error_messages={"invalid_choice": "Choose a person from the list"},
    )
    raised_on = GovDateField(
        label="Date raised",
        help_text="For example, 27 3 2026",
        required_message="Enter the date the action was raised",
    )
    due_date = GovDateField(
        label="Due date",
        help_text="For example, 30 9 2026",
        required_message="Enter the date the action is due",
    )
    priority = PriorityField()
    themes = ThemesField()

    def __init__(self, *args, user: Person, action: Action | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.action = action
        admin = is_partnership_admin(user)
        current = action or Action()
        keep_group = Q(pk=current.owner_group_id) if current.owner_group_id else Q(pk__in=[])
        keep_agency = Q(pk=current.owner_agency_id) if current.owner_agency_id else Q(pk__in=[])
        keep_person = Q(pk=current.owner_person_id) if current.owner_person_id else Q(pk__in=[])
        if admin:
            groups = Group.objects.filter(Q(is_active=True) | keep_group)
        else:
            # A chair raises actions for the groups they chair; they cannot hand one to another group.
            groups = Group.objects.filter(Q(pk__in=chaired_group_ids(user)) | keep_group)
            if action is None or action.owner_group_id:
                self.fields["owner_group"].required = True
                self.fields["owner_group"].label = "Owner group"
                self.fields["owner_group"].error_messages["required"] = "Choose the group that owns this action"
        self.fields["owner_group"].queryset = groups.order_by("name")
        self.fields["owner_group"].empty_label = "Choose a group" if self.fields["owner_group"].required else "No group"
        self.fields["owner_agency"].queryset = Agency.objects.filter(Q(is_active=True) | keep_agency).order_by("name")
        self.fields["owner_agency"].empty_label = "No agency"
        self.fields["owner_person"].queryset = Person.objects.filter(Q(is_active=True) | keep_person).order_by(
            "first_name", "last_name", "username"
        )
        self.fields["owner_person"].empty_label = "Nobody named yet"
        if action is not None and not user.has_perm("actions.reassign_action", action):
            # Its owner stays as it is: only admins and its group's chairs move an action to another owner.
            del self.fields["owner_group"], self.fields["owner_agency"]
        if current.pk:
            self.fields["themes"].keep(current.themes.all())
        if not self.fields["themes"].queryset.exists():
            del self.fields["themes"]
        self.submit_label = "Raise the action" if action is None else "Save changes"
        fields = [
            Field.text("title"),
            character_count(self, "description", rows=4),
            Field.select("source"),
            Field.text("source_reference", field_width=Fluid.TWO_THIRDS),
            Field.text("source_url", field_width=Fluid.TWO_THIRDS, spellcheck="false"),
        ]
        fields += [Field.select(name) for name in ("owner_group", "owner_agency") if name in self.fields]
        fields += [
            Field.select("owner_person"),
            Field("raised_on"),
            Field("due_date"),
            Field.select("priority"),
        ]
        if "themes" in self.fields:
            fields.append(Field.checkboxes("themes", legend_size=Size.SMALL, small=True))
        self.helper = self.make_helper(*fields)

    def clean(self):
        cleaned = super().clean()
        if (
            "owner_group" in self.fields
            and not self.errors.get("owner_group")
            and not self.errors.get("owner_agency")
            and not cleaned.get("owner_group")
            and not cleaned.get("owner_agency")
        ):
            self.add_error("owner_group", "Choose the group or the agency that owns this action")
        return cleaned

    def values(self) -> dict:
        """What was typed, for the fields this form shows (anything else posted is ignored)."""
        values = {name: self.cleaned_data[name] for name in self.fields}
        if "themes" in values:
            values["themes"] = list(values["themes"])
        return values

    @staticmethod
    def initial_for(action: Action) -> dict:
        initial = {
            name: getattr(action, name)
            for name in (
                "title",
                "description",
                "source",
                "source_reference",
                "source_url",
                "owner_group",
                "owner_agency",
                "owner_person",
                "raised_on",
                "due_date",
                "priority",
            )
        }
        initial["themes"] = list(action.themes.all())
        return initial


# Each step of an action's life.


class NoteForm(GovukForm):
    submit_label = "Add the note"
    text = LimitedTextField(
        label="Progress note",
        limit=limits.COMMENT,
        noun="Progress note",
        help_text="What has been done since the last note, and what happens next",
        required_message="Enter the progress note",
    )
    progress = forms.ChoiceField(
        label="How is the action going?",
        choices=Action.Progress.choices,
        widget=forms.RadioSelect,
        help_text="An action past its due date shows as overdue, whatever is chosen here",
        error_messages={
            "required": "Choose not started, on track or at risk",
            "invalid_choice": "Choose not started, on track or at risk",
        },
    )
    noted_on = GovDateField(
        label="Date of the note",
        help_text="For example, 27 3 2026",
        required_message="Enter the date of the note",
    )

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("initial", {"progress": action.progress, "noted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        fields = [character_count(self, "text", rows=5)]
        if action.stage == Action.Stage.OPEN:
            fields.append(Field.radios("progress", legend_size=Size.SMALL))
        else:
            del self.fields["progress"]
        fields.append(Field("noted_on"))
        self.helper = self.make_helper(*fields)


class CompleteForm(GovukForm):
    submit_label = "Mark as complete"
    completed_on = GovDateField(
        label="Date completed",
        help_text="For example, 27 3 2026",
        required_message="Enter the date the action was completed",
    )
    evidence = LimitedTextField(
        label="Evidence of completion",
        limit=limits.NARRATIVE,
        noun="Evidence of completion",
        help_text="What was done and where the proof is: a revised policy, training records, an audit's findings",
        required_message="Describe the evidence that the action is complete",
    )
    evidence_file = forms.FileField(
        label="Upload a file of the evidence (optional)",
        required=False,
        help_text="A PDF, document, spreadsheet, presentation or image, smaller than 20 MB",
        error_messages={
            "empty": "The file is empty: choose a file with the evidence in it",
            "invalid": "Choose a file to upload",
            "missing": "Choose a file to upload",
        },
    )

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("initial", {"completed_on": timezone.localdate(), "evidence": action.completion_evidence})
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(
            Field("completed_on"), character_count(self, "evidence", rows=6), Field("evidence_file")
        )


class ImpactForm(GovukForm):
    submit_label = "Record the impact"
    made_difference = forms.ChoiceField(
        label="Did the action make a difference?",
        choices=Action.Difference.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the action made a difference",
            "invalid_choice": "Choose whether the action made a difference",
        },
    )
    finding = LimitedTextField(
        label="What difference it made, and how you know",
        limit=limits.NARRATIVE,
        noun="What difference it made",
        help_text="For example, what an audit, practitioners or children and families now tell us",
        required_message="Describe the difference the action made and how you know",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(
            Field.radios("made_difference", legend_size=Size.SMALL, inline=True),
            character_count(self, "finding", rows=6),
        )


class ReasonForm(GovukForm):
    reason = LimitedTextField(label="Reason", limit=limits.SHORT_TEXT, noun="The reason", help_text="")

    def __init__(self, *args, label: str, hint: str, required_message: str, submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.submit_label = submit_label
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint
        self.fields["reason"].error_messages["required"] = required_message
        self.helper = self.make_helper(character_count(self, "reason", rows=4))


class ConfirmForm(forms.Form):
    """No fields: a confirmation page's form, so a refusal can be shown in the error summary."""
