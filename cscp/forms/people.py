"""Forms for people, their memberships and the audit log.

Each form lists its fields, so anything else posted (a group on a page where the URL fixes the group, a
role the page does not offer) is ignored. Services make the changes; their ValidationErrors are put
beside the matching field with `add_service_errors`.
"""

from __future__ import annotations

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cscp.forms.fields import GovDateField
from cscp.models import Agency, AgencyMembership, AuditEvent, Group, GroupMembership, Person, current_q
from cscp.selectors import people_without_memberships_q


class GovukForm(forms.Form):
    """A form the page wraps in its own <form> tag, laid out by crispy-forms-gds."""

    def make_helper(self, *fields) -> FormHelper:
        helper = FormHelper(self)
        # The page writes the <form> tag, CSRF token and buttons, so it can carry `next` and a cancel link.
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(*fields)
        return helper


# People.


class PersonDetailsForm(GovukForm):
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter their last name"})
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Their work email address. We send the invitation here.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(
            Field.text("first_name", field_width=Fluid.ONE_THIRD, autocomplete="off", spellcheck="false"),
            Field.text("last_name", field_width=Fluid.ONE_THIRD, autocomplete="off", spellcheck="false"),
            Field.text("email", field_width=Fluid.ONE_HALF, autocomplete="off", spellcheck="false"),
            Field.text("job_title", field_width=Fluid.ONE_HALF),
        )


class PersonInviteForm(PersonDetailsForm):
    pass


class PersonEditForm(PersonDetailsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "Their work email address. Emails from the service go here."


class ConfirmForm(GovukForm):
    """No fields: a confirmation page's form, so a refusal can be shown in the error summary."""


# Memberships.


def active_people() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj} ({obj.email})"


class MembershipForm(GovukForm):
    """The role and dates of a membership; subclasses add the person, group or agency being chosen."""

    role_choices: list[tuple[str, str]] = []
    start_date = GovDateField(
        label="Start date",
        initial=timezone.localdate,
        help_text="For example, 27 3 2026",
        required_message="Enter the start date",
    )
    end_date = GovDateField(
        label="End date (optional)",
        required=False,
        help_text="Leave empty if the membership has no planned end. For example, 31 3 2027",
        incomplete_message="Enter the end date in full, for example 31 3 2027, or leave it empty",
    )
    chooser: str = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = forms.ChoiceField(
            label="Role",
            choices=self.role_choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose a role", "invalid_choice": "Choose one of the roles listed"},
        )
        # Fields in page order: the chooser, role, then dates.
        order = [self.chooser, "role", "start_date", "end_date"]
        self.fields = {name: self.fields[name] for name in order}
        self.helper = self.make_helper(
            Field.select(self.chooser),
            Field.radios("role", legend_size=Size.SMALL, small=True),
            Field("start_date"),
            Field("end_date"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Enter an end date on or after the start date")
        return cleaned


class GroupMembershipForm(MembershipForm):
    """Add a person (fixed by the page) to a group."""

    role_choices = GroupMembership.Role.choices
    chooser = "group"
    group = forms.ModelChoiceField(
        label="Group",
        queryset=Group.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose a group",
        error_messages={"required": "Choose a group", "invalid_choice": "Choose one of the groups listed"},
    )


class GroupMemberForm(MembershipForm):
    """Add a person to a group (fixed by the page)."""

    role_choices = GroupMembership.Role.choices
    chooser = "person"
    person = PersonChoiceField(
        label="Person",
        queryset=active_people(),
        empty_label="Choose a person",
        error_messages={"required": "Choose a person", "invalid_choice": "Choose one of the people listed"},
    )


class AgencyMembershipForm(MembershipForm):
    """Add a person (fixed by the page) to an agency."""

    role_choices = AgencyMembership.Role.choices
    chooser = "agency"
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        empty_label="Choose an agency",
        error_messages={"required": "Choose an agency", "invalid_choice": "Choose one of the agencies listed"},
    )


class AgencyMemberForm(MembershipForm):
    """Add a person to an agency (fixed by the page)."""

    role_choices = AgencyMembership.Role.choices
    chooser = "person"
    person = PersonChoiceField(
        label="Person",
        queryset=active_people(),
        empty_label="Choose a person",
        error_messages={"required": "Choose a person", "invalid_choice": "Choose one of the people listed"},
    )


class MembershipEndForm(GovukForm):
    end_date = GovDateField(
        label="End date",
        initial=timezone.localdate,
        help_text="The last day of the membership. An earlier date corrects the record. For example, 31 3 2026",
        required_message="Enter the end date",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self.make_helper(Field("end_date"))


# Filters: GET forms, so the list always shows; a bad value is explained beside its field and not applied.


class PersonFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", "Any status"),
        ("active", "Active"),
        ("invited", "Invited"),
        ("unassigned", "Active, in no group or agency"),
        ("deactivated", "Deactivated"),
    ]

    q = forms.CharField(label="Search", required=False, max_length=200, help_text="Name, email or sign-in name")
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_CHOICES)
    group = forms.ModelChoiceField(
        label="Group", required=False, queryset=Group.objects.order_by("name"), empty_label="Any group"
    )
    agency = forms.ModelChoiceField(
        label="Agency", required=False, queryset=Agency.objects.order_by("name"), empty_label="Any agency"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("q", "status", "group", "agency"):
            widget = self.fields[name].widget
            widget.attrs["class"] = "govuk-select" if isinstance(widget, forms.Select) else "govuk-input"

    def filter(self, people: QuerySet[Person]) -> QuerySet[Person]:
        # Each field is applied if it is valid on its own: a stale group in a bookmarked link is ignored.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for term in (data.get("q") or "").split():
            people = people.filter(
                Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
                | Q(email__icontains=term)
                | Q(username__icontains=term)
            )
        # An invited person who has not yet followed their link has no usable password.
        invited = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        status = data.get("status")
        if status == "active":
            people = people.filter(Q(is_active=True) & ~invited)
        elif status == "invited":
            people = people.filter(Q(is_active=True) & invited)
        elif status == "unassigned":
            people = people.filter(people_without_memberships_q())
        elif status == "deactivated":
            people = people.filter(is_active=False)
        if data.get("group"):
            memberships = GroupMembership.objects.filter(current_q(), person=OuterRef("pk"), group=data["group"])
            people = people.filter(Exists(memberships))
        if data.get("agency"):
            memberships = AgencyMembership.objects.filter(current_q(), person=OuterRef("pk"), agency=data["agency"])
            people = people.filter(Exists(memberships))
        return people


class AuditLogFilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False)
    who = forms.CharField(label="Who", required=False, max_length=150, help_text="Name or sign-in name")
    date_from = GovDateField(
        label="From",
        required=False,
        help_text="For example, 1 3 2026",
        incomplete_message="Enter the from date in full, for example 1 3 2026, or leave it empty",
    )
    date_to = GovDateField(
        label="To",
        required=False,
        help_text="For example, 31 3 2026",
        incomplete_message="Enter the to date in full, for example 31 3 2026, or leave it empty",
    )

    def __init__(self, *args, action_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Any action"), *action_choices]
        for name in ("action", "who"):
            widget = self.fields[name].widget
            widget.attrs["class"] = "govuk-select" if isinstance(widget, forms.Select) else "govuk-input"

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        # Each field is applied if it is valid on its own, so one bad date does not hide the other filters.
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("action"):
            events = events.filter(Q(action=data["action"]) | Q(action__startswith=data["action"] + "."))
        for term in (data.get("who") or "").split():
            events = events.filter(
                Q(actor__username__icontains=term)
                | Q(actor__first_name__icontains=term)
                | Q(actor__last_name__icontains=term)
            )
        if isinstance(data.get("date_from"), datetime.date):
            events = events.filter(created_at__date__gte=data["date_from"])
        if isinstance(data.get("date_to"), datetime.date):
            events = events.filter(created_at__date__lte=data["date_to"])
        return events
