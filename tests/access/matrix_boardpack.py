"""Access rows for Board packs: the list of Board meetings, a meeting's pack on screen, making it, downloading it.

The Board, the Business Group, the Independent Scrutineer and the partnership team read packs; only the team
makes them. Meetings of other groups have no pack: their pack pages are not found, for everyone.
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cscp.boardpack.models import BoardPack
from cscp.models import Meeting
from tests.access.matrix import PostRow, Row, everyone, posts, statuses

READERS = ("admin", "board", "business", "scrutineer")
SIGN_IN = 302
# One small file, written once and reused by every run, so the matrix leaves nothing else behind in storage.
STORED_PACK = "board-packs/access-matrix/board-pack.pdf"


def _board_meeting(p) -> Meeting:
    meeting, _ = Meeting.objects.get_or_create(group=p.board, date=datetime.date(2026, 3, 5))
    return meeting


def _generated(p) -> Meeting:
    meeting = _board_meeting(p)
    if not default_storage.exists(STORED_PACK):
        default_storage.save(STORED_PACK, ContentFile(b"%PDF-1.4\n%%EOF\n"))
    BoardPack.objects.get_or_create(meeting=meeting, version=1, defaults={"file": STORED_PACK, "page_count": 1})
    return meeting


def _subgroup_meeting(p) -> Meeting:
    meeting, _ = Meeting.objects.get_or_create(group=p.subgroup, date=datetime.date(2026, 3, 5))
    return meeting


ROWS = [
    Row("boardpack:meetings", statuses(to=READERS)),
    Row("boardpack:detail", statuses(to=READERS), kwargs=lambda p: {"pk": _board_meeting(p).pk}),
    Row(
        "boardpack:detail",
        everyone(404, anonymous=SIGN_IN),
        kwargs=lambda p: {"pk": _subgroup_meeting(p).pk},
        note="a subgroup's meeting has no pack",
    ),
    # Making a pack is a POST; a GET is refused whoever asks.
    Row("boardpack:generate", everyone(405, anonymous=SIGN_IN), kwargs=lambda p: {"pk": _board_meeting(p).pk}),
    Row(
        "boardpack:download",
        statuses(404, to=READERS),
        kwargs=lambda p: {"pk": _board_meeting(p).pk},
        note="not generated yet",
    ),
    Row(
        "boardpack:download",
        statuses(to=READERS),
        kwargs=lambda p: {"pk": _generated(p).pk},
        note="generated",
    ),
    Row(
        "boardpack:version-download",
        statuses(to=READERS),
        kwargs=lambda p: {"pk": _generated(p).pk, "version": 1},
        note="version 1",
    ),
    Row(
        "boardpack:version-download",
        statuses(404, to=READERS),
        kwargs=lambda p: {"pk": _generated(p).pk, "version": 2},
        note="no such version",
    ),
    # Marking a version sent is a POST; a GET is refused whoever asks.
    Row(
        "boardpack:send",
        everyone(405, anonymous=SIGN_IN),
        kwargs=lambda p: {"pk": _generated(p).pk, "version": 1},
    ),
    # The pack's settings are the partnership team's.
    Row("boardpack:settings", statuses(to=("admin",))),
]

POSTS = [
    # Making the pack is for admins; the readers may see it but not make it.
    PostRow("boardpack:generate", posts(to=("admin",)), kwargs=lambda p: {"pk": _board_meeting(p).pk}),
    # Marking a version sent to the Board is for admins too.
    PostRow("boardpack:send", posts(to=("admin",)), kwargs=lambda p: {"pk": _generated(p).pk, "version": 1}),
]
