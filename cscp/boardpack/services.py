"""Making a Board meeting's pack: render it, store the PDF with the meeting, tell the Board.

Laying out a pack of forty pages takes seconds, so the PDF is rendered before the transaction opens: the rows
are locked only for the moment it takes to store the file and record who made it. The meeting row is locked
(and, on SQLite, the write transaction serialises writers) while we look for an existing pack, and the
database allows one pack per meeting, so two workers running the schedule at once make one pack.
"""

from __future__ import annotations

import logging
import re
import zlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone

from cscp.audit import record_event
from cscp.boardpack.models import BoardPack
from cscp.boardpack.reports import board_pack_context
from cscp.models import Group, GroupMembership, Meeting, current_q
from cscp.notifications import notify
from cscp.pdf import PdfError, render_pdf

logger = logging.getLogger(__name__)

TEMPLATE = "pdf/board_pack.html"


def board_pack_generate(*, meeting: Meeting, actor=None, request=None) -> BoardPack:
    """Make (or remake) the meeting's pack. A remade pack replaces the stored file and records who made it."""
    return _generate(meeting=meeting, actor=actor, request=request, replace=True)


def board_pack_generate_if_missing(*, meeting: Meeting) -> BoardPack | None:
    """The schedule's way in: make the pack only if the meeting has none. Returns None when it already had one."""
    return _generate(meeting=meeting, actor=None, request=None, replace=False)


def _check_board_meeting(meeting: Meeting) -> None:
    if meeting.group.kind != Group.Kind.BOARD:
        raise ValidationError({"meeting": "Choose a meeting of the Board: only Board meetings have a Board pack"})


def _generate(*, meeting: Meeting, actor, request, replace: bool) -> BoardPack | None:
    meeting = Meeting.objects.select_related("group").get(pk=meeting.pk)
    _check_board_meeting(meeting)
    if not replace and BoardPack.objects.filter(meeting=meeting).exists():
        return None
    try:
        pdf = render_pdf(TEMPLATE, board_pack_context(meeting), request=request)
    except PdfError as error:
        # The page shows it beside the button; the schedule logs it and goes on to the next meeting.
        raise ValidationError(str(error)) from error
    stored_name = None
    try:
        with transaction.atomic():
            Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
            pack = BoardPack.objects.select_for_update().filter(meeting=meeting).first()
            if pack is not None and not replace:
                return None
            replaced_name = pack.file.name if pack is not None else None
            if pack is None:
                pack = BoardPack(meeting=meeting)
            pack.file.save(f"board-pack-{meeting.date:%Y-%m-%d}.pdf", ContentFile(pdf), save=False)
            stored_name = pack.file.name
            pack.generated_at = timezone.now()
            pack.generated_by = actor if getattr(actor, "is_authenticated", False) else None
            pack.page_count = pdf_page_count(pdf)
            pack.save()
            record_event(
                "boardpack.board_pack.generated",
                actor=actor,
                obj=pack,
                request=request,
                message="Remade" if replaced_name else "Made",
                data={"meeting": meeting.pk, "pages": pack.page_count, "replaced": bool(replaced_name)},
            )
            _notify_board(pack)
            if replaced_name and replaced_name != stored_name:
                # The old file goes only once the new one is recorded: a failed remake leaves the old pack whole.
                transaction.on_commit(lambda: _delete_quietly(replaced_name))
    except IntegrityError:
        # Another worker stored this meeting's pack between our look and our insert: theirs stands.
        _delete_quietly(stored_name)
        if replace:
            raise
        return None
    except BaseException:
        _delete_quietly(stored_name)
        raise
    return pack


def _notify_board(pack: BoardPack) -> None:
    meeting = pack.meeting
    when = formats.date_format(meeting.date)
    url = reverse("boardpack:detail", args=[meeting.pk])
    members = (
        GroupMembership.objects.filter(current_q(), group=meeting.group, person__is_active=True)
        .select_related("person")
        .order_by("person_id")
    )
    # Each generation is news of its own: a remade pack is announced again.
    generation = pack.generated_at.strftime("%Y%m%d%H%M%S%f")
    for person in {membership.person_id: membership.person for membership in members}.values():
        notify(
            recipient=person,
            key=f"board_pack.{pack.pk}.generated.{generation}:{person.pk}",
            subject=f"The Board pack for the meeting on {when} is ready",
            body=f"The pack for the Board meeting on {when} is ready to read. It has {pack.page_count} pages.",
            url=url,
        )


def _delete_quietly(name: str | None) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except Exception:  # noqa: BLE001 - a file left behind is untidy, not a failure of the pack
        logger.warning("Could not delete the Board pack file %s", name, exc_info=True)


_PAGES = re.compile(rb"/Type\s*/Pages\b.*?/Count\s+(\d+)", re.S)
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm.*?stream\r?\n", re.S)


def pdf_page_count(pdf: bytes) -> int:
    """The number of pages in a PDF from WeasyPrint (whose page tree sits in compressed object streams), or 0.

    The page tree's root holds the total, the largest /Count in the document.
    """
    counts = [int(n) for n in _PAGES.findall(pdf)]
    for match in _OBJECT_STREAM.finditer(pdf):
        try:
            data = zlib.decompressobj().decompress(pdf[match.end() :])
        except zlib.error:
            continue
        counts.extend(int(n) for n in _PAGES.findall(data))
    return max(counts, default=0)
