"""Board packs: the list of Board meetings, each meeting's pack previewed on screen, made on request, downloaded.

The Board, the Business Group, the Independent Scrutineer and the partnership team read packs; the team makes
them (the schedule also makes each a week before its meeting, see tasks.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cscp.boardpack import guards
from cscp.boardpack.forms import GenerateForm, SettingsForm
from cscp.boardpack.models import BoardPack, BoardPackSettings
from cscp.boardpack.reports import board_pack_context
from cscp.boardpack.selectors import board_meetings, pack_versions
from cscp.boardpack.services import board_pack_generate, board_pack_mark_sent, board_pack_settings_update
from cscp.models import Meeting
from cscp.pages import crumbs, form_page, get_object_for_user, paginate, posted, refusal, require, submit

VIEW = "boardpack.view"
GENERATE = "boardpack.generate"
SEND = "boardpack.send"
SETTINGS = "boardpack.manage_settings"
PAGE_SIZE = 25


def _board_meeting(request: HttpRequest, pk: int, perm: str = VIEW) -> Meeting:
    # Only Board meetings have packs: any other meeting is "not found" here.
    return get_object_for_user(request.user, perm, board_meetings(), pk=pk)


@login_required
def board_meeting_list(request: HttpRequest) -> HttpResponse:
    require(request.user, VIEW)
    today = timezone.localdate()
    meetings = board_meetings()
    return render(
        request,
        "boardpack/board_meeting_list.html",
        {
            "crumbs": crumbs(),
            "upcoming": list(meetings.filter(date__gte=today).order_by("date", "pk")),
            "past": paginate(request, meetings.filter(date__lt=today).order_by("-date", "-pk"), PAGE_SIZE),
            "can_generate": request.user.has_perm(GENERATE),
            "can_manage_settings": request.user.has_perm(SETTINGS),
        },
    )


def _preview(
    request: HttpRequest, meeting: Meeting, *, errors: list[str] | None = None, form: GenerateForm | None = None
) -> HttpResponse:
    versions = pack_versions(meeting)
    sent = guards.sent_version(versions)
    can_send = request.user.has_perm(SEND, meeting)
    for pack in versions:
        pack.can_mark_sent = can_send and not guards.send_blocked(pack, versions)
    return render(
        request,
        "boardpack/board_pack.html",
        {
            **board_pack_context(meeting, actor=request.user),
            "crumbs": crumbs(("Board packs", reverse("boardpack:meetings"))),
            "pack": versions[0] if versions else None,
            "versions": versions,
            "sent": sent,
            "can_generate": request.user.has_perm(GENERATE, meeting),
            "can_manage_settings": request.user.has_perm(SETTINGS),
            "form": form or GenerateForm(note_needed=sent is not None),
            "errors": errors or [],
            "is_upcoming": meeting.date >= timezone.localdate(),
        },
    )


@login_required
def board_pack(request: HttpRequest, pk: int) -> HttpResponse:
    return _preview(request, _board_meeting(request, pk))


@login_required
@require_POST
def board_pack_generate_view(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _board_meeting(request, pk, GENERATE)
    sent = guards.sent_version(pack_versions(meeting))
    form = GenerateForm(posted(request), note_needed=sent is not None)
    made = submit(
        form,
        lambda data: board_pack_generate(
            meeting=meeting, actor=request.user, request=request, change_note=data["change_note"]
        ),
    )
    if made is None:
        return _preview(request, meeting, form=form)
    messages.success(request, f"Board pack version {made.version} generated")
    return redirect("boardpack:detail", pk=meeting.pk)


@login_required
@require_POST
def board_pack_send(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    meeting = _board_meeting(request, pk, SEND)
    pack = _version_of(meeting, version)
    errors = refusal(lambda: board_pack_mark_sent(pack=pack, actor=request.user, request=request))
    if errors:
        return _preview(request, meeting, errors=errors)
    messages.success(request, f"Version {pack.version} marked as sent to the Board")
    return redirect("boardpack:detail", pk=meeting.pk)


def _version_of(meeting: Meeting, version: int) -> BoardPack:
    pack = BoardPack.objects.filter(meeting=meeting, version=version).select_related("meeting").first()
    if pack is None:
        raise Http404("There is no such version of this meeting's Board pack")
    return pack


def _download(pack: BoardPack | None) -> FileResponse:
    if pack is None or not pack.file:
        raise Http404("This meeting's Board pack has not been generated yet")
    try:
        file = pack.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The stored Board pack could not be found") from exc
    return FileResponse(file, as_attachment=True, filename=pack.filename, content_type="application/pdf")


@login_required
def board_pack_download(request: HttpRequest, pk: int) -> FileResponse:
    """The latest version."""
    meeting = _board_meeting(request, pk)
    return _download(BoardPack.objects.filter(meeting=meeting).select_related("meeting").order_by("-version").first())


@login_required
def board_pack_version_download(request: HttpRequest, pk: int, version: int) -> FileResponse:
    meeting = _board_meeting(request, pk)
    return _download(_version_of(meeting, version))


@login_required
def board_pack_settings(request: HttpRequest) -> HttpResponse:
    require(request.user, SETTINGS)
    form = SettingsForm(posted(request), settings=BoardPackSettings.load())
    saved = submit(
        form,
        lambda data: board_pack_settings_update(
            actor=request.user,
            protective_marking=data["protective_marking"],
            author=data["author"],
            purpose=data["purpose"],
            positions=form.positions(),
            request=request,
        ),
    )
    if saved is not None:
        messages.success(request, "Board pack settings saved")
        return redirect("boardpack:meetings")
    return form_page(
        request,
        form,
        title="Board pack settings",
        crumbs=crumbs(("Board packs", reverse("boardpack:meetings"))),
        submit_label="Save settings",
        intro="Sections are printed in the order of their positions, lowest first. Packs already generated keep "
        "what they printed.",
    )
