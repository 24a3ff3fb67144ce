"""Why a Board pack cannot be generated or sent now ("" when it can): used by the services and by the meeting's
pack page, so the button, the warning and the refusal never disagree (see cscp/guards.py)."""

from __future__ import annotations

from cscp.boardpack.models import BoardPack


def sent_version(versions: list[BoardPack]) -> BoardPack | None:
    """The latest version sent to the Board, if any was."""
    return next((pack for pack in versions if pack.is_sent), None)


def generate_blocked(versions: list[BoardPack], change_note: str) -> str:
    """A version sent to the Board is never replaced: the next one must say what changed since."""
    sent = sent_version(sorted(versions, key=lambda pack: -pack.version))
    if sent is not None and not change_note.strip():
        return (
            f"Version {sent.version} was sent to the Board and cannot be replaced. "
            "Enter what changed to generate a new version"
        )
    return ""


def send_blocked(pack: BoardPack, versions: list[BoardPack]) -> str:
    """Only the latest version, not yet sent, can be marked as sent to the Board."""
    if pack.is_sent:
        return f"Version {pack.version} has already been marked as sent to the Board"
    latest = max((other.version for other in versions), default=pack.version)
    if pack.version < latest:
        return f"Version {pack.version} has been followed by version {latest}: mark the latest version as sent"
    return ""
