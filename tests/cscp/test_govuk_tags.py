"""The GOV.UK components as template tags (cscp/templatetags/govuk.py): the ones the core's pages added, and the
defaults of base.html that every page now relies on."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _render(source: str, **context) -> str:
    return Template("{% load govuk %}" + source).render(Context(context))


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


# summary_card


def test_a_summary_card_has_its_title_its_rows_and_its_action():
    html = _squeezed(
        _render(
            '{% summary_card "People" action_url=url action_text="Manage people" %}'
            '{% summary_row "Active" %}{{ count }}{% endsummary_row %}'
            "{% endsummary_card %}",
            url="/people/",
            count=12,
        )
    )
    assert '<h2 class="govuk-summary-card__title">People</h2>' in html
    assert '<a class="govuk-link" href="/people/">Manage people</a>' in html
    assert '<dl class="govuk-summary-list">' in html
    assert '<dt class="govuk-summary-list__key">Active</dt>' in html
    assert "12" in html


def test_a_summary_card_action_says_change_and_what_it_changes_to_a_screen_reader():
    html = _render(
        '{% summary_card "Partnership settings" action_url="/settings/" action_hidden="partnership settings" %}'
        "{% endsummary_card %}"
    )
    assert (
        '<a class="govuk-link" href="/settings/">Change<span class="govuk-visually-hidden"> partnership settings'
        "</span></a>"
    ) in html


def test_a_summary_card_without_an_action_url_has_no_action_for_someone_who_may_not_use_it():
    html = _render('{% summary_card "People" action_url=url action_text="Manage people" %}{% endsummary_card %}')
    assert "govuk-summary-card__actions" not in html
    assert "Manage people" not in html


def test_a_summary_card_escapes_what_it_is_given():
    html = _render("{% summary_card title action_url=url %}{% endsummary_card %}", title="<b>x</b>", url='/"x')
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert 'href="/&quot;x"' in html


# button_link


def test_a_button_link_is_a_link_that_assistive_technology_reads_as_a_button():
    html = _render('{% button_link "Add a theme" url %}', url="/themes/new/")
    assert html == (
        '<a href="/themes/new/" class="govuk-button" role="button" draggable="false" '
        'data-module="govuk-button">Add a theme</a>'
    )


def test_a_button_link_can_be_secondary_or_a_warning():
    assert 'class="govuk-button govuk-button--secondary"' in _render('{% button_link "Add" "/x/" "secondary" %}')
    assert 'class="govuk-button govuk-button--warning"' in _render('{% button_link "Deactivate" "/x/" "warning" %}')


def test_a_button_link_escapes_its_words_and_address():
    html = _render("{% button_link words url %}", words="<script>", url='/x/?a=1&b="2"')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="/x/?a=1&amp;b=&quot;2&quot;"' in html


# status_tag


def test_a_status_tag_without_a_colour_has_no_stray_class():
    assert _render('{% status_tag "Unread" %}') == '<strong class="govuk-tag">Unread</strong>'
    assert (
        _render('{% status_tag "Read" "govuk-tag--grey" %}')
        == '<strong class="govuk-tag govuk-tag--grey">Read</strong>'
    )


# base.html draws the view's breadcrumbs


def test_every_page_draws_the_crumbs_its_view_gives_without_a_block_of_its_own(rf: RequestFactory):
    html = render_to_string(
        "errors/404.html", {"crumbs": [("Home", "/"), ("Groups", "/groups/")]}, request=rf.get("/groups/9/")
    )
    assert '<nav class="govuk-breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<a class="govuk-breadcrumbs__link" href="/groups/">Groups</a>' in html


def test_a_page_without_crumbs_has_no_empty_breadcrumbs(rf: RequestFactory):
    assert "govuk-breadcrumbs" not in render_to_string("errors/404.html", {}, request=rf.get("/nowhere/"))
