"""How long the largest impact update the text limits allow takes to print, against the PDF time budget.

Builds (afresh each run, in `var/bench-pdf/`) the agreed six-section template and one group's update with every
answer at its limit (`cscp.limits.NARRATIVE`), in sentences and paragraphs as people write; then, with `--comments`
comments at their limit and `--links` evidence links with titles at theirs, renders the update's PDF through
`cscp.pdf.render_pdf` (the budget's own path: size check, then the layout in its own process) `--repeat` times and
prints the HTML's and the PDF's size, its pages, and the median and slowest seconds beside `PDF_MAX_SECONDS_IN_REQUEST`.

    .venv/bin/python bench/pdf_budget.py --repeat 3
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench-pdf"))
os.environ.setdefault("REQUIRE_MFA", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
Path(os.environ["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
(Path(os.environ["VAR_DIR"]) / "db.sqlite3").unlink(missing_ok=True)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import timezone  # noqa: E402

from cscp import limits  # noqa: E402
from cscp.boardpack.services import pdf_page_count  # noqa: E402
from cscp.impact.models import (  # noqa: E402
    EvidenceLink,
    ImpactTemplateSection,
    ImpactUpdate,
    ImpactUpdateAnswer,
    ImpactUpdateComment,
    ReportingCycle,
)
from cscp.impact.reports import impact_update_context  # noqa: E402
from cscp.models import Group, Meeting, Person  # noqa: E402
from cscp.pdf import render_pdf  # noqa: E402

SENTENCE = "The group reviewed the neglect audit's findings with health visitors and schools, and agreed what next. "


def text_of(length: int) -> str:
    """Paragraphs of plain sentences, exactly `length` characters long."""
    paragraph = SENTENCE * 6 + "\n\n"
    return (paragraph * (length // len(paragraph) + 1))[:length]


def build(comments: int, links: int) -> ImpactUpdate:
    call_command("migrate", verbosity=0)
    chair = Person.objects.create(username="chair", email="chair@example.org", first_name="Chris", last_name="Chair")
    board = Group.objects.create(name="Partnership Board", kind=Group.Kind.BOARD)
    group = Group.objects.create(name="Learning and Improvement Subgroup", kind=Group.Kind.SUBGROUP)
    meeting = Meeting.objects.create(group=board, date=timezone.localdate() + datetime.timedelta(days=30))
    cycle = ReportingCycle.objects.create(
        title="Impact updates for the Board", board_meeting=meeting, due_date=meeting.date - datetime.timedelta(14)
    )
    cycle.groups.set([group])
    update = ImpactUpdate.objects.create(group=group, cycle=cycle, updated_by=chair)
    for n in range(6):
        section = ImpactTemplateSection.objects.create(
            title=f"Section {n + 1}: what the group did and the difference it made", order=n, hint=text_of(200)
        )
        answer = ImpactUpdateAnswer(update=update, section=section, text=text_of(limits.NARRATIVE), is_complete=True)
        answer.full_clean()
        answer.save()
    for n in range(links):
        EvidenceLink.objects.create(update=update, kind="audit", title=text_of(limits.LONG_TITLE), url=f"/audits/{n}/")
    for _ in range(comments):
        ImpactUpdateComment.objects.create(update=update, author=chair, text=text_of(limits.COMMENT))
    return update


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--comments", type=int, default=10)
    parser.add_argument("--links", type=int, default=10)
    args = parser.parse_args()

    update = build(args.comments, args.links)
    context = impact_update_context(update)
    html = render_to_string("impact/update_pdf.html", {**context, "show_contents": False})
    print(
        f"Update: 6 answers of {limits.NARRATIVE:,} characters, {args.comments} comments of {limits.COMMENT:,}, "
        f"{args.links} evidence links; HTML {len(html.encode()):,} bytes "
        f"(budget {settings.PDF_MAX_HTML_BYTES:,})"
    )
    times, pdf = [], b""
    for _ in range(args.repeat):
        start = time.perf_counter()
        pdf = render_pdf("impact/update_pdf.html", impact_update_context(update), max_seconds=300)
        times.append(time.perf_counter() - start)
    pages = pdf_page_count(pdf)
    print(
        f"PDF: {len(pdf):,} bytes, {pages} pages; median {statistics.median(times):.2f} s, slowest "
        f"{max(times):.2f} s over {args.repeat} runs (budget in a request {settings.PDF_MAX_SECONDS_IN_REQUEST:.0f} s)"
    )


if __name__ == "__main__":
    main()
