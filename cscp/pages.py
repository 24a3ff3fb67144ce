"""The chores every page does, written once for every app's views.

A view reads: fetch what it is about with `get_object_for_user` (404 or 403), bind its form with `posted(request)`,
hand the valid form to a service with `submit` (a refusal goes beside the fields), then redirect with a message or
show the page again with what was typed. A button that posts no form runs its service through `refusal`.

    form = SectionForm(posted(request))
    section = submit(form, lambda data: services.impact_section_create(actor=request.user, **data))
    if section is not None:
        messages.success(request, f"Section “{section.title}” added")
        return redirect("impact:template")
    return form_page(request, form, title="Add a section", crumbs=crumbs(("Impact template", url)))

Pagination keeps a list's filters with Django's `{% querystring %}` (see templates/includes/pagination.html), and
breadcrumbs are a list of (label, url) from Home down, rendered by `{% breadcrumbs %}` (cscp/templatetags/govuk.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from cscp.forms.errors import add_service_errors

T = TypeVar("T")

# What the person sees when two people save the same thing at the same moment and the database refuses the second.
SAVED_AT_THE_SAME_TIME = "Someone else saved a change at the same time: check the details and save again"


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one, so a bare confirmation button counts), else None: a form bound
    with it is unbound on GET."""
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def submit(form: forms.Form, call: Callable[[dict[str, Any]], T], *, field_map: dict[str, str] | None = None):
    """Validate a bound form and hand its cleaned data to a service.

    Returns the service's result (True for a service that returns nothing), or None when the form is unbound or
    invalid, or the service refused: its ValidationError is then beside the fields it names (`field_map` renames
    a service's field to the form's), and the page is shown again with what was typed.
    """
    if not form.is_bound or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error, field_map)
        return None
    except IntegrityError:
        form.add_error(None, SAVED_AT_THE_SAME_TIME)
        return None
    return True if result is None else result


def refusal(call: Callable[[], Any]) -> list[str]:
    """Run a service that takes no form (a button); return its refusal's messages, or [] when it went through."""
    try:
        call()
    except ValidationError as error:
        return list(error.messages)
    return []


def require(user, perm: str, obj: Any = None) -> None:
    """Refuse (403) unless the person may do `perm` (to `obj`)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def get_object_for_user(user, perm: str, queryset: QuerySet | type[Model], *, view_perm: str | None = None, **lookup):
    """Fetch one object for a person, or refuse.

    Raises 404 when the object does not exist or the person may not even know of it (`view_perm`, when given,
    decides that), and PermissionDenied (403) when they may see it but not do `perm` to it.
    """
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        obj = queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if view_perm is not None and not user.has_perm(view_perm, obj):
        raise Http404
    if not user.has_perm(perm, obj):
        raise PermissionDenied
    return obj


def crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    """Breadcrumbs from Home down to the page's parent: `crumbs(("Actions", reverse("actions:list")))`."""
    return [("Home", reverse("cscp:home")), *items]


def page_number(request: HttpRequest) -> int:
    """The `?page=` a person asked for, as a number of at least 1 (anything else is page 1)."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def query_without(request: HttpRequest, *names: str) -> str:
    """This request's query string without `names`, for links that keep the filters but change the rest."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def paginate(request: HttpRequest, items: QuerySet | Iterable, per_page: int) -> Page:
    """The page the `?page=` asks for; a number out of range or not a number gives the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    crumbs: list[tuple[str, str]],
    submit_label: str = "",
    caption: str = "",
    template: str = "includes/form_page.html",
    **context: Any,
) -> HttpResponse:
    """A page that is one form: breadcrumbs, the error summary, a caption and heading, the form.

    With `submit_label`, the page draws the form tag and its button (with "Cancel" back to the last crumb);
    without, the form's crispy helper draws them. `warning` and `intro` in the context show above the form.
    """
    return render(
        request,
        template,
        {"form": form, "title": title, "crumbs": crumbs, "submit_label": submit_label, "caption": caption, **context},
    )
