"""Making a Board meeting's pack: render it, store the PDF as the meeting's next version, tell the Board; and
recording that a version was sent to the Board.

Every generation is kept as a numbered version (1, 2, ...); none is ever replaced. Once a version has been sent to
the Board, the next must say what changed.

Laying out a pack of forty pages takes seconds, so the PDF is rendered before the transaction opens: the rows
are locked only for the moment it takes to store the file and record who made it. The meeting row is locked
(and, on SQLite, the write transaction serialises writers) while we check that the version's number is still
the next, and the database allows one pack per meeting and version, so two workers running the schedule at once
make one pack.
"""

from __future__ import annotations

import logging
import re
import zlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone

from cscp.audit import record_event
from cscp.boardpack import guards
from cscp.boardpack.models import BoardPack, BoardPackSettings
from cscp.boardpack.reports import board_pack_context
from cscp.guards import refuse
from cscp.limits import check_length
from cscp.models import Group, GroupMembership, Meeting, current_q
from cscp.notifications import notify
from cscp.pdf import PdfError, render_pdf

logger = logging.getLogger(__name__)

TEMPLATE = "pdf/board_pack.html"


def board_pack_generate(*, meeting: Meeting, actor=None, request=None, change_note: str = "") -> BoardPack:
    """Make the next version of the meeting's pack. Earlier versions are kept as they were; once one has been sent
    to the Board, the next must say what changed (`change_note`), or it is refused and nothing changes."""
    return _generate(meeting=meeting, actor=actor, request=request, change_note=change_note, only_first=False)


def board_pack_generate_if_missing(*, meeting: Meeting) -> BoardPack | None:
    """The schedule's way in: make version 1 only if the meeting has no pack. Returns None when it already had one."""
    return _generate(meeting=meeting, actor=None, request=None, change_note="", only_first=True)


def board_pack_mark_sent(*, pack: BoardPack, actor, request=None) -> BoardPack:
    """Record that this version went to the Board: from now on it is never replaced, only followed."""
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=pack.meeting_id).first()
        versions = list(BoardPack.objects.select_for_update().filter(meeting_id=pack.meeting_id))
        pack = next((version for version in versions if version.pk == pack.pk), None)
        if pack is None:
            raise ValidationError("This version of the Board pack no longer exists")
        refuse(guards.send_blocked(pack, versions))
        pack.sent_at = timezone.now()
        pack.sent_by = actor if getattr(actor, "is_authenticated", False) else None
        pack.full_clean()
        pack.save(update_fields=["sent_at", "sent_by"])
        record_event(
            "boardpack.board_pack.sent",
            actor=actor,
            obj=pack,
            request=request,
            message=f"Version {pack.version} sent to the Board",
            data={"meeting": pack.meeting_id, "version": pack.version},
        )
    return pack


def _check_board_meeting(meeting: Meeting) -> None:
    if meeting.group.kind != Group.Kind.BOARD:
        raise ValidationError({"meeting": "Choose a meeting of the Board: only Board meetings have a Board pack"})


def _check_note(change_note: str) -> str:
    change_note = (change_note or "").strip()
    check_length(BoardPack, "change_note", change_note)
    return change_note


def _generate(*, meeting: Meeting, actor, request, change_note: str, only_first: bool) -> BoardPack | None:
    meeting = Meeting.objects.select_related("group").get(pk=meeting.pk)
    _check_board_meeting(meeting)
    change_note = _check_note(change_note)
    versions = list(BoardPack.objects.filter(meeting=meeting))
    if only_first and versions:
        return None
    blocked = guards.generate_blocked(versions, change_note)
    if blocked:
        raise ValidationError({"change_note": blocked})
    version = max((pack.version for pack in versions), default=0) + 1
    context = board_pack_context(meeting, version=version, actor=actor)
    try:
        pdf = render_pdf(TEMPLATE, context, request=request)
    except PdfError as error:
        # The page shows it beside the button; the schedule logs it and goes on to the next meeting.
        raise ValidationError(str(error)) from error
    stored_name = None
    try:
        with transaction.atomic():
            Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
            latest = BoardPack.objects.filter(meeting=meeting).aggregate(latest=Max("version"))["latest"] or 0
            if latest != version - 1:
                # Another version was made while this one was laid out: its number is already taken.
                if only_first:
                    return None
                raise ValidationError(
                    "Another version of this pack was generated at the same time. Generate the pack again"
                )
            pack = BoardPack(
                meeting=meeting,
                version=version,
                generated_at=timezone.now(),
                generated_by=actor if getattr(actor, "is_authenticated", False) else None,
                page_count=pdf_page_count(pdf),
                change_note=change_note,
                summary_figures=context["summary_figures"],
            )
            pack.file.save(pack.filename, ContentFile(pdf), save=False)
            stored_name = pack.file.name
            pack.full_clean()
            pack.save()
            record_event(
                "boardpack.board_pack.generated",
                actor=actor,
                obj=pack,
                request=request,
                message=f"Version {version} made" + (f": {change_note}" if change_note else ""),
                data={"meeting": meeting.pk, "pages": pack.page_count, "version": version},
            )
            _notify_board(pack)
    except IntegrityError:
        # Another worker stored this version between our look and our insert: theirs stands.
        _delete_quietly(stored_name)
        if not only_first:
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
    for person in {membership.person_id: membership.person for membership in members}.values():
        notify(
            recipient=person,
            key=f"board_pack.{pack.pk}.generated:{person.pk}",
            subject=f"The Board pack for the meeting on {when} is ready"
            + (f" (version {pack.version})" if pack.version > 1 else ""),
            body=f"Version {pack.version} of the pack for the Board meeting on {when} is ready to read. "
            f"It has {pack.page_count} pages." + (f" What changed: {pack.change_note}" if pack.change_note else ""),
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


def board_pack_settings_update(
    *, actor, protective_marking: str, author: str, purpose: str, positions: dict[str, int], request=None
) -> BoardPackSettings:
    """Set the packs' protective marking, the cover's author and purpose, and the order of their sections. Packs
    already generated keep what they printed; the next version follows the new settings."""
    with transaction.atomic():
        settings = BoardPackSettings.objects.select_for_update().filter(pk=1).first() or BoardPackSettings(pk=1)
        settings.protective_marking = protective_marking.strip()
        settings.author = author.strip()
        settings.purpose = purpose.strip()
        settings.section_positions = {str(key): int(position) for key, position in positions.items()}
        settings.full_clean()
        settings.save()
        record_event(
            "boardpack.settings.changed",
            actor=actor,
            obj=settings,
            request=request,
            message="Board pack settings changed",
            data={"protective_marking": settings.protective_marking, "positions": settings.section_positions},
        )
    return settings
