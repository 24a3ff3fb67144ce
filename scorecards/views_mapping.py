"""The mapping step: which published measure (a column of a DfE or ONS file, with its breakdown) feeds each
indicator, and whether it gives the partnership's own published figure, the comparators, or both. Admins only:
a wrong mapping would set another measure's figures beside the partnership's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse

from cscp.pages import get_object_for_user, posted, require, submit
from scorecards import services
from scorecards.forms_mapping import MappingForm, breakdown_label, file_label
from scorecards.models import ComparatorMeasure, Indicator, IndicatorMapping
from scorecards.views import scorecard_crumbs

MANAGE = "scorecards.manage_indicators"


def _describe(mapping: IndicatorMapping) -> dict:
    measure = mapping.measure
    return {
        "measure": measure,
        "file": file_label(measure),
        "column": measure.column,
        "breakdown": breakdown_label(measure),
        "role": mapping.get_role_display(),
    }


@login_required
def mapping_list(request: HttpRequest) -> HttpResponse:
    require(request.user, MANAGE)
    indicators = Indicator.objects.order_by("-is_active", "code").prefetch_related(
        Prefetch("mappings", queryset=IndicatorMapping.objects.select_related("measure").order_by("measure__code"))
    )
    rows = [
        {"indicator": indicator, "mappings": [_describe(mapping) for mapping in indicator.mappings.all()]}
        for indicator in indicators
    ]
    return render(
        request,
        "scorecards/mapping/list.html",
        {
            "rows": rows,
            "measure_count": ComparatorMeasure.objects.count(),
            "crumbs": scorecard_crumbs(),
        },
    )


@login_required
def mapping_edit(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, MANAGE)
    indicator = get_object_for_user(request.user, MANAGE, Indicator, code=code)
    measures = list(ComparatorMeasure.objects.order_by("source_kind", "file_pattern", "name"))
    current = IndicatorMapping.objects.filter(indicator=indicator).select_related("measure").order_by("pk").first()
    initial = {"measure": str(current.measure_id), "role": current.role} if current else {}
    form = MappingForm(posted(request), measures=measures, initial=initial)
    saved = submit(
        form,
        lambda data: services.indicator_mapping_set(
            actor=request.user, indicator=indicator, measure=data["measure"], role=data["role"], request=request
        ),
    )
    if saved is not None:
        measure = form.cleaned_data["measure"]
        if measure is None:
            messages.success(request, f"{indicator.code} no longer has published figures")
        else:
            messages.success(request, f"{indicator.code} now takes its published figures from {measure.name}")
        return redirect("scorecards:mapping-list")
    return render(
        request,
        "scorecards/mapping/edit.html",
        {
            "form": form,
            "indicator": indicator,
            "current": _describe(current) if current else None,
            "crumbs": scorecard_crumbs(
                ("Indicator mappings", reverse("scorecards:mapping-list")),
                (indicator.code, reverse("scorecards:indicator-detail", args=[indicator.code])),
            ),
        },
    )


urlpatterns = [
    path("mappings/", mapping_list, name="mapping-list"),
    path("indicators/<str:code>/mapping/", mapping_edit, name="mapping-edit"),
]
