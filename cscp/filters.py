"""Search and filters for the partnership's list pages (agencies, groups)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from cscp.models import Agency, Group


class AgencyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name", method="search")
    sector = django_filters.ChoiceFilter(label="Sector", choices=Agency.Sector.choices, empty_label="All sectors")
    active = django_filters.ChoiceFilter(
        label="Status",
        choices=(("yes", "Active"), ("no", "Not active")),
        empty_label="Active and not active",
        method="filter_active",
    )

    class Meta:
        model = Agency
        fields = ["q", "sector", "active"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(name__icontains=value.strip())

    def filter_active(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_active=value == "yes")


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or purpose", method="search")
    kind = django_filters.ChoiceFilter(label="Kind of group", choices=Group.Kind.choices, empty_label="All kinds")

    class Meta:
        model = Group
        fields = ["q", "kind"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(purpose__icontains=value))
