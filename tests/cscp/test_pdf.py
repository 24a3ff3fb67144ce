"""PDFs: the URL fetcher that only serves the product's own files, and the membership report.

Each WeasyPrint render takes about half a second, so the renders here are few and each checks several things.
"""

from __future__ import annotations

import re
import socket
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from cscp.models import AuditEvent, Group, GroupMembership, Partnership
from cscp.pdf import ProductFileFetcher, RefusedURL, render_pdf
from cscp.reports import membership_report_context
from tests.factories import GroupFactory, GroupMembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

BASE = "http://testserver/"


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return result.stdout.decode()


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to reach the network is recorded and refused."""
    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("tests may not use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return attempts


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


# The fetcher.


def test_the_fetcher_serves_the_print_stylesheet_from_static_files(no_network):
    response = ProductFileFetcher(BASE).fetch(BASE + "static/css/print.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    assert no_network == []


def test_the_fetcher_serves_media_files_through_storage(media, no_network):
    default_storage.save("logos/partnership.svg", ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    response = ProductFileFetcher(BASE).fetch(BASE + "media/logos/partnership.svg")
    assert response.content_type == "image/svg+xml"
    assert response.read().startswith(b"<svg")


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/tracker.png",
        "https://example.com/static/css/print.css",  # a static path, but on someone else's server
        BASE + "people/",  # one of our pages, not a file
        BASE + "static/../config/settings.py",
        BASE + "static/%2e%2e/%2e%2e/etc/passwd",
        BASE + "media/../../etc/passwd",
        BASE + "static/no/such/file.css",
        "file:///etc/passwd",
        "ftp://example.com/file",
    ],
)
def test_the_fetcher_refuses_anything_else(url, media, no_network):
    with pytest.raises((RefusedURL, OSError)):
        ProductFileFetcher(BASE).fetch(url)
    assert no_network == []


def test_the_fetcher_decodes_inline_data_without_reaching_out(no_network):
    response = ProductFileFetcher(BASE).fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


def test_an_outside_image_is_not_fetched_and_the_pdf_is_still_made(no_network, caplog, settings, tmp_path):
    template = tmp_path / "outside.html"
    template.write_text(
        '{% load static %}<html><head><link rel="stylesheet" href="{% static "css/print.css" %}"></head>'
        '<body><h1>Outside image</h1><img src="http://example.com/tracker.png" alt="tracker">'
        '<img src="https://example.com/static/x.png" alt="lookalike"></body></html>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    pdf = render_pdf("outside.html", {})

    assert pdf.startswith(b"%PDF")
    assert "Outside image" in pdf_text(pdf)
    assert no_network == []
    assert "example.com/tracker.png" in caplog.text
    # The stylesheet was used: the footer's page numbers come from it.
    assert "Page 1 of 1" in pdf_text(pdf)


# The membership report.


def test_the_membership_report_pdf_lists_groups_and_members_with_page_numbers(client_for, partnership):
    response = client_for("board").get(reverse("cscp:membership-report-pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="membership-report-{today:%Y-%m-%d}.pdf"'
    text = pdf_text(response.content)
    for group in ("Learning and Improvement Subgroup", "Case Review Group", "Partnership Board"):
        assert group in text
    assert partnership["chair"].get_full_name() in text
    assert partnership.other_chair.get_full_name() in text
    assert "Page 1 of" in text
    assert "Membership of the partnership's groups" in text
    assert f"{today.day} {today:%B %Y}" in text  # the running header's date
    assert "Download as PDF" not in text  # no buttons on paper
    assert "Contents" not in text  # short reports have none


def test_a_long_report_has_a_contents_list_and_repeats_table_headers(partnership):
    big = GroupFactory(name="Practitioner Forum West", kind=Group.Kind.FORUM)
    for n in range(45):
        GroupMembershipFactory(
            group=big, person=PersonFactory(username=f"forum{n}", first_name="Forum", last_name=f"Member {n:02}")
        )
    for n in range(6):
        group = GroupFactory(name=f"Area Safeguarding Group {n:02}", kind=Group.Kind.ASG)
        GroupMembershipFactory(group=group, person=PersonFactory(username=f"asg{n}"), role=GroupMembership.Role.CHAIR)

    text = pdf_text(render_pdf("cscp/reports/membership_report_pdf.html", membership_report_context()))

    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) > 3
    assert "Contents" in pages[0]
    # Each contents entry carries the page its section starts on.
    assert re.search(r"Practitioner Forum West[ .]+\d+", pages[0])
    assert re.search(r"Page \d+ of (\d+)", text)
    # The members table runs over a page break and its header row is repeated.
    forum_pages = [p for p in pages if "Forum Member" in p]
    assert len(forum_pages) >= 2
    assert all("Member since" in p for p in forum_pages)


def test_a_landscape_report_is_laid_out_on_landscape_a4(settings, tmp_path):
    import weasyprint

    template = tmp_path / "wide.html"
    template.write_text(
        '{% extends "pdf/base.html" %}{% block orientation %}landscape{% endblock %}'
        "{% block content %}<p>Wide</p>{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    from django.template.loader import render_to_string

    from cscp.pdf import ProductFileFetcher as Fetcher

    html = render_to_string("wide.html", {"report_title": "Wide", "report_date": timezone.localdate()})
    page = weasyprint.HTML(string=html, base_url=BASE, url_fetcher=Fetcher(BASE)).render().pages[0]
    assert page.width > page.height


def test_the_report_page_and_pdf_are_for_admins_and_board_members(client_for, partnership):
    for persona in ("chair", "business", "scrutineer", "outsider"):
        client = client_for(persona)
        assert client.get(reverse("cscp:membership-report")).status_code == 403, persona
        assert client.get(reverse("cscp:membership-report-pdf")).status_code == 403, persona
    assert client_for(None).get(reverse("cscp:membership-report-pdf")).status_code == 302


def test_the_report_page_shows_the_same_body_with_a_download_link(client_for, partnership):
    response = client_for("admin").get(reverse("cscp:membership-report"))
    assert response.status_code == 200
    page = re.sub(r"\s+", " ", response.content.decode())
    assert "Membership of the partnership's groups" in page or "Membership of the partnership&#x27;s groups" in page
    assert reverse("cscp:membership-report-pdf") in page
    assert re.search(r"Case Review Group.*?" + re.escape(partnership.other_chair.get_full_name()) + r".*?Chair", page)
    assert "6 active groups had 7 current memberships, held by 7 people" in page
    assert "Subgroup, reports to Business Group" in page


@pytest.mark.parametrize("groups", [5, 30])
def test_the_report_context_costs_the_same_queries_however_many_groups(partnership, django_assert_num_queries, groups):
    for n in range(groups):
        group = GroupFactory(name=f"Group {n:02}", parent=partnership.business)
        for role in (GroupMembership.Role.CHAIR, GroupMembership.Role.MEMBER, GroupMembership.Role.MEMBER):
            GroupMembershipFactory(group=group, role=role)
    Partnership.load()  # the settings row exists in every running partnership
    # The groups, their members, the members' agencies and the partnership's settings.
    with django_assert_num_queries(4):
        context = membership_report_context()
    assert context["group_count"] == groups + 6


# The budget: no PDF is laid out from more HTML than PDF_MAX_HTML_BYTES, nor for longer than its seconds.


@pytest.fixture
def short_template(settings, tmp_path):
    template = tmp_path / "short.html"
    template.write_text("<html><body><h1>{{ heading }}</h1><p>{{ body }}</p></body></html>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return "short.html"


def test_html_over_the_size_budget_is_refused_before_any_layout(short_template, settings, monkeypatch):
    from cscp import pdf

    settings.PDF_MAX_HTML_BYTES = 2_000
    laid_out = []
    monkeypatch.setattr(pdf, "_lay_out", lambda *args: laid_out.append(args) or b"%PDF")

    with pytest.raises(pdf.PdfTooLarge) as error:
        render_pdf(short_template, {"heading": "Too long", "body": "x" * 3_000})

    assert laid_out == []
    assert "too long to print" in str(error.value)
    assert render_pdf(short_template, {"heading": "Short", "body": "x" * 100}) == b"%PDF"


def _sleep_for_ever(pid_file):
    def lay_out(*args):
        import os
        import time

        pid_file.write_text(str(os.getpid()))
        while True:
            time.sleep(0.05)

    return lay_out


def test_a_layout_over_the_time_budget_is_stopped_and_refused(short_template, settings, monkeypatch, tmp_path):
    import os
    import time

    from cscp import pdf

    settings.PDF_MAX_SECONDS = 1
    pid_file = tmp_path / "pid"
    monkeypatch.setattr(pdf, "_lay_out", _sleep_for_ever(pid_file))

    started = time.monotonic()
    with pytest.raises(pdf.PdfTimedOut) as error:
        render_pdf(short_template, {"heading": "Slow"})

    assert time.monotonic() - started < 5
    assert "took longer than 1 second" in str(error.value)
    # The layout was stopped, not left running.
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


def test_a_pdf_made_for_a_request_has_the_shorter_budget(short_template, settings, monkeypatch, rf):
    from cscp import pdf

    settings.PDF_MAX_SECONDS = 60
    settings.PDF_MAX_SECONDS_IN_REQUEST = 20
    budgets = []
    monkeypatch.setattr(pdf, "_within", lambda seconds, *args: budgets.append(seconds) or b"%PDF")

    render_pdf(short_template, {})
    render_pdf(short_template, {}, request=rf.get("/"))

    assert budgets == [60, 20]


def test_a_layout_that_fails_is_a_clean_refusal_and_its_error_is_logged(short_template, monkeypatch, caplog):
    from cscp import pdf

    def broken(*args):
        raise RuntimeError("a font went missing")

    monkeypatch.setattr(pdf, "_lay_out", broken)
    with pytest.raises(pdf.PdfError):
        render_pdf(short_template, {})
    assert "a font went missing" in caplog.text


def test_an_impact_update_too_large_to_print_is_a_message_on_its_page_not_an_error(client_for, partnership, settings):
    from cscp.impact import services
    from tests.cscp.impact.factories import CycleFactory, standard_template

    standard_template()
    update = services.impact_update_start(actor=partnership["chair"], cycle=CycleFactory(), group=partnership.subgroup)
    settings.PDF_MAX_HTML_BYTES = 1_000

    response = client_for("chair").get(reverse("impact:update-pdf", args=[update.pk]), follow=True)

    assert response.redirect_chain[0] == (reverse("impact:update-detail", args=[update.pk]), 302)
    assert "too long to print" in response.content.decode()


def test_a_membership_report_over_its_time_is_a_message_on_the_report_page(
    client_for, partnership, settings, monkeypatch, tmp_path
):
    from cscp import pdf

    settings.PDF_MAX_SECONDS_IN_REQUEST = 1
    monkeypatch.setattr(pdf, "_lay_out", _sleep_for_ever(tmp_path / "pid"))

    response = client_for("admin").get(reverse("cscp:membership-report-pdf"), follow=True)

    assert response.redirect_chain[0] == (reverse("cscp:membership-report"), 302)
    assert "took longer than 1 second" in response.content.decode()


def test_a_board_pack_too_large_to_print_is_refused_on_its_page_and_nothing_is_stored(
    client_for, partnership, settings, media
):
    from cscp.boardpack.models import BoardPack
    from tests.cscp.boardpack import helpers as h

    meeting = h.board_meeting(partnership, h.days(6))
    settings.PDF_MAX_HTML_BYTES = 1_000

    response = client_for("admin").post(reverse("boardpack:generate", args=[meeting.pk]))

    assert response.status_code == 200
    assert "too long to print" in response.content.decode()
    assert not BoardPack.objects.exists()
    assert not AuditEvent.objects.filter(action="boardpack.board_pack.generated").exists()
