"""The context an impact update's page and its PDF are both rendered from (see docs/pdf.md)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone

from cscp.actions.models import Action
from cscp.impact import status as st
from cscp.impact.models import ImpactUpdate, ImpactUpdateComment
from cscp.impact.selectors import is_update_late, sections_for_update, update_status
from cscp.models import Partnership


def impact_update_context(update: ImpactUpdate) -> dict:
    """The whole update: its answers in template order, its evidence, escalations and the comments thread."""
    update = (
        ImpactUpdate.objects.select_related(
            "group",
            "cycle",
            "cycle__board_meeting",
            "cycle__business_meeting",
            "submitted_by",
            "acknowledged_by",
            "updated_by",
        )
        .prefetch_related(
            "answers",
            Prefetch("actions", queryset=Action.objects.order_by("reference")),
            "evidence_links",
            Prefetch("comments", queryset=ImpactUpdateComment.objects.select_related("author")),
        )
        .get(pk=update.pk)
    )
    answers = {answer.section_id: answer.text for answer in update.answers.all()}
    sections = [{"section": s, "text": answers.get(s.pk, "")} for s in sections_for_update(update)]
    comments = list(update.comments.all())
    for comment in comments:
        comment.tag = st.comment_tag(comment.kind)
    return {
        "partnership": Partnership.load(),
        "report_title": f"Impact update from {update.group}",
        "report_date": timezone.localdate(),
        "update": update,
        "cycle": update.cycle,
        "group": update.group,
        "sections": sections,
        "actions": list(update.actions.all()),
        "links": sorted(update.evidence_links.all(), key=lambda link: (link.kind, link.title)),
        "comments": comments,
        "escalations": list(update.escalations.order_by("raised_at", "pk")),
        "status_tag": st.tag(update_status(update, update.cycle)),
        "submitted_late_tag": st.SUBMITTED_LATE,
        "is_late": is_update_late(update, update.cycle),
        "contents": [
            *({"anchor": f"section-{row['section'].pk}", "title": row["section"].title} for row in sections),
            {"anchor": "evidence", "title": "Evidence"},
            {"anchor": "comments", "title": "Comments"},
        ],
    }
