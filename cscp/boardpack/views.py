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

from cscp.boardpack.models import BoardPack
from cscp.boardpack.reports import board_pack_context
from cscp.boardpack.selectors import board_meetings
from cscp.boardpack.services import board_pack_generate
from cscp.models import Meeting
from cscp.pages import crumbs, get_object_for_user, paginate, refusal, require

VIEW = "boardpack.view"
GENERATE = "boardpack.generate"
PAGE_SIZE = 25


def _board_meeting(request: HttpRequest, pk: int, perm: str = VIEW) -> Meeting:
    # Only Board meetings have packs: any other meeting is "not found" here.
    return get_object_for_user(request.user, perm, board_meetings(), pk=pk)


def _pack_of(meeting: Meeting) -> BoardPack | None:
    try:
        return meeting.board_pack
    except BoardPack.DoesNotExist:
        return None


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
        },
    )


def _preview(request: HttpRequest, meeting: Meeting, *, errors: list[str] | None = None) -> HttpResponse:
    return render(
        request,
        "boardpack/board_pack.html",
        {
            **board_pack_context(meeting),
            "crumbs": crumbs(("Board packs", reverse("boardpack:meetings"))),
            "pack": _pack_of(meeting),
            "can_generate": request.user.has_perm(GENERATE, meeting),
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
    had_pack = _pack_of(meeting) is not None
    errors = refusal(lambda: board_pack_generate(meeting=meeting, actor=request.user, request=request))
    if errors:
        return _preview(request, meeting, errors=errors)
    messages.success(request, "Board pack generated again" if had_pack else "Board pack generated")
    return redirect("boardpack:detail", pk=meeting.pk)


@login_required
def board_pack_download(request: HttpRequest, pk: int) -> FileResponse:
    meeting = _board_meeting(request, pk)
    pack = _pack_of(meeting)
    if pack is None or not pack.file:
        raise Http404("This meeting's Board pack has not been generated yet")
    try:
        file = pack.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The stored Board pack could not be found") from exc
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"board-pack-{meeting.date:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )
