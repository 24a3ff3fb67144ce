"""Forms for the partnership's structure: settings, districts, agencies, groups, meetings, the business plan
and its priorities, and themes.

The forms only validate. The views save through the services in `cscp.services`, which compare the record
before and after to write the audit trail; so a form edits a copy of the record, never the record itself.
"""

from __future__ import annotations

import copy

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from cscp.forms.fields import GovDateField, character_count, name_length_messages
from cscp.models import Agency, BusinessPlan, District, Group, Meeting, Partnership, Priority, Theme
from cscp.selectors import group_descendant_ids


class RecordForm(forms.ModelForm):
    """A model form whose cleaned data the view hands to a service (through `cscp.pages.submit`)."""

    submit_label = "Save"
    # Fields that only make sense for a record that exists (a new agency is active, say).
    only_when_editing: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk is not None:
            # Validation writes the typed values onto the instance; the service must see the record as it was.
            kwargs["instance"] = copy.copy(instance)
        super().__init__(*args, **kwargs)
        if self.is_new:
            for name in self.only_when_editing:
                del self.fields[name]
        self.setup()
        name_length_messages(self)
        self.helper = FormHelper()
        # The error summary and messages beside fields do the validating, not the browser's own pop-ups.
        self.helper.attrs = {"novalidate": True}
        self.helper.layout = Layout(*self.layout_fields(), Submit("submit", self.submit_label))

    @property
    def is_new(self) -> bool:
        return self.instance.pk is None

    def setup(self) -> None:
        """Adjust fields before the layout is built."""

    def layout_fields(self) -> list:
        return [Field.text(name) for name in self.fields]

    def _name_must_be_unique(self, noun: str) -> str:
        """Names are compared without regard to case: "Neglect" and "neglect" are one name."""
        name = self.cleaned_data["name"]
        model = self._meta.model
        clash = model.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise ValidationError(f"There is already {noun} called “{clash.name}”: enter a different name")
        return name


class PartnershipForm(RecordForm):
    class Meta:
        model = Partnership
        fields = ["name", "short_name", "service_name", "contact_email"]
        labels = {
            "name": "Partnership name",
            "short_name": "Short name",
            "service_name": "Service name",
            "contact_email": "Contact email address",
        }
        help_texts = {
            "name": "For example, Cumbria Safeguarding Children Partnership",
            "short_name": "Shown at the top of every page. For example, CSCP",
        }
        error_messages = {
            "name": {"required": "Enter the partnership's name"},
            "service_name": {"required": "Enter the service name"},
            "contact_email": {"invalid": "Enter an email address in the correct format, like name@example.org"},
        }

    def layout_fields(self):
        return [
            Field.text("name"),
            Field.text("short_name", field_width=10),
            Field.text("service_name", field_width="two-thirds"),
            Field.text("contact_email", field_width="two-thirds", spellcheck="false", autocomplete="email"),
        ]


class DistrictForm(RecordForm):
    class Meta:
        model = District
        fields = ["name"]
        labels = {"name": "District name"}
        error_messages = {"name": {"required": "Enter the district's name"}}

    def layout_fields(self):
        return [Field.text("name", field_width="two-thirds")]

    def clean_name(self):
        return self._name_must_be_unique("a district")


class AgencyForm(RecordForm):
    only_when_editing = ("is_active",)

    class Meta:
        model = Agency
        fields = ["name", "sector", "is_active"]
        labels = {"name": "Agency name", "sector": "Sector", "is_active": "This agency is active"}
        help_texts = {"is_active": "An agency that is no longer active keeps its history but is not asked for returns"}
        error_messages = {
            "name": {"required": "Enter the agency's name"},
            "sector": {"required": "Choose the agency's sector", "invalid_choice": "Choose the agency's sector"},
        }

    def layout_fields(self):
        fields = [Field.text("name", field_width="two-thirds"), Field.select("sector")]
        if "is_active" in self.fields:
            fields.append(Field.checkbox("is_active"))
        return fields

    def clean_name(self):
        return self._name_must_be_unique("an agency")


class GroupForm(RecordForm):
    # A Practitioner Forum serves one district; an Area Safeguarding Group covers several, named in its purpose.
    NEEDS_DISTRICT = {Group.Kind.FORUM}
    only_when_editing = ("is_active",)

    class Meta:
        model = Group
        fields = ["name", "kind", "parent", "district", "purpose", "meeting_cadence", "is_active"]
        labels = {
            "name": "Group name",
            "kind": "Kind of group",
            "parent": "Reports to",
            "district": "District",
            "purpose": "Purpose",
            "meeting_cadence": "How often it meets",
            "is_active": "This group is active",
        }
        help_texts = {
            "kind": "Membership of the Partnership team makes someone a partnership admin; membership of "
            "Independent scrutiny makes them the Independent Scrutineer",
            "parent": "The group this group reports to",
            "district": "Practitioner Forums and Area Safeguarding Groups each cover one district",
            "purpose": "What the group is for, in a sentence or two",
            "is_active": "A group that is no longer active keeps its history, but its members lose the roles it gave",
        }
        error_messages = {
            "name": {"required": "Enter the group's name"},
            "kind": {"required": "Choose the kind of group", "invalid_choice": "Choose the kind of group"},
            "parent": {"invalid_choice": "Choose a group from the list"},
            "district": {"invalid_choice": "Choose a district from the list"},
        }

    def setup(self):
        self.fields["parent"].queryset = Group.objects.order_by("name")
        self.fields["parent"].empty_label = "It does not report to another group"
        self.fields["district"].empty_label = "No district"

    def layout_fields(self):
        fields = [
            Field.text("name", field_width="two-thirds"),
            Field.select("kind"),
            Field.select("parent"),
            Field.select("district"),
            character_count(self, "purpose", rows=4),
            Field.text("meeting_cadence", field_width="two-thirds"),
        ]
        if "is_active" in self.fields:
            fields.append(Field.checkbox("is_active"))
        return fields

    def clean_name(self):
        return self._name_must_be_unique("a group")

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        if parent is None or self.is_new:
            return parent
        if parent.pk == self.instance.pk or parent.pk in group_descendant_ids(self.instance):
            raise ValidationError(
                "Choose a group this group can report to: not the group itself, nor a group that reports to it"
            )
        return parent

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in self.NEEDS_DISTRICT and not cleaned.get("district") and "district" not in self.errors:
            kind = Group.Kind(cleaned["kind"]).label
            self.add_error("district", f"Choose the district this {kind} covers")
        return cleaned


class MeetingForm(RecordForm):
    submit_label = "Add meeting"
    date = GovDateField(
        label="Date of the meeting",
        help_text="For example, 27 11 2026",
        required_message="Enter the date of the meeting",
    )

    class Meta:
        model = Meeting
        fields = ["date", "title"]
        labels = {"title": "Title (optional)"}
        help_texts = {"title": "For example, Annual review of the business plan"}

    def __init__(self, *args, group: Group, **kwargs):
        self.group = group
        kwargs.setdefault("instance", Meeting(group=group))
        super().__init__(*args, **kwargs)

    def layout_fields(self):
        return [Field("date"), Field.text("title", field_width="two-thirds")]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and Meeting.objects.filter(group=self.group, date=date).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"{self.group} already has a meeting on {date_format(date)}: choose another date")
        return date


class BusinessPlanForm(RecordForm):
    start_date = GovDateField(
        label="Start date",
        help_text="For example, 1 4 2025",
        required_message="Enter the date the plan starts",
    )
    end_date = GovDateField(
        label="End date",
        help_text="A business plan usually runs for two years. For example, 31 3 2027",
        required_message="Enter the date the plan ends",
    )

    class Meta:
        model = BusinessPlan
        fields = ["title", "start_date", "end_date"]
        labels = {"title": "Title"}
        help_texts = {"title": "For example, Business plan 2025 to 2027"}
        error_messages = {"title": {"required": "Enter the plan's title"}}

    def layout_fields(self):
        return [Field.text("title", field_width="two-thirds"), Field("start_date"), Field("end_date")]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "Enter an end date after the start date")
        return cleaned


class PriorityForm(RecordForm):
    number = forms.IntegerField(
        label="Number",
        help_text="Priorities are listed in number order",
        min_value=1,
        max_value=99,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the priority's number",
            "invalid": "Enter the number as a whole number, for example 3",
            "min_value": "Enter a number from 1 to 99",
            "max_value": "Enter a number from 1 to 99",
        },
    )

    class Meta:
        model = Priority
        fields = ["number", "title", "description"]
        labels = {"title": "Title", "description": "Description (optional)"}
        help_texts = {"description": "What the partnership means to achieve under this priority"}
        error_messages = {"title": {"required": "Enter the priority's title"}}

    def __init__(self, *args, plan: BusinessPlan, **kwargs):
        self.plan = plan
        kwargs.setdefault("instance", Priority(plan=plan))
        super().__init__(*args, **kwargs)

    def layout_fields(self):
        return [Field.text("number", field_width=2), Field.text("title"), character_count(self, "description", rows=5)]

    def clean_number(self):
        number = self.cleaned_data["number"]
        if Priority.objects.filter(plan=self.plan, number=number).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"This plan already has a priority {number}: enter a different number")
        return number


class ThemeForm(RecordForm):
    only_when_editing = ("is_active",)

    class Meta:
        model = Theme
        fields = ["name", "description", "is_active"]
        labels = {"name": "Theme", "description": "Description (optional)", "is_active": "This theme is in use"}
        help_texts = {
            "name": "For example, Neglect",
            "description": "What evidence this theme covers",
            "is_active": "Retire a theme by unticking this: evidence already tagged with it keeps the tag",
        }
        error_messages = {"name": {"required": "Enter the theme's name"}}

    def layout_fields(self):
        fields = [Field.text("name", field_width="two-thirds"), character_count(self, "description", rows=3)]
        if "is_active" in self.fields:
            fields.append(Field.checkbox("is_active"))
        return fields

    def clean_name(self):
        return self._name_must_be_unique("a theme")
