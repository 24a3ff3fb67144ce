"""Benchmarks for the governance cycle: the Board pack and the action tracker at the size the issue names.

Builds (once) 10 reporting groups, each with a submitted impact update answering a six-section template at the
length chairs really write, 5,000 actions of which 300 are open (a third of those overdue or at risk), and a
handful of open escalations; then times the Board pack's context, its PDF (which must take under 15 s), and the
tracker's first page and a filtered page, printing the median and 95th percentile of repeated runs and the
query counts. Its database is its own (`var/bench-governance/`, or DATABASE_URL), so it does not disturb
bench/run.py's.

    .venv/bin/python bench/governance.py --repeat 10
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench-governance"))
os.environ.setdefault("REQUIRE_MFA", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
Path(os.environ["VAR_DIR"]).mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from cscp.actions.models import Action, ActionNote  # noqa: E402
from cscp.actions.selectors import overdue_and_at_risk  # noqa: E402
from cscp.boardpack.reports import board_pack_context  # noqa: E402
from cscp.boardpack.services import pdf_page_count  # noqa: E402
from cscp.impact.models import Escalation, ImpactTemplateSection, ImpactUpdate, ImpactUpdateAnswer, ReportingCycle  # noqa: E402
from cscp.models import Group, GroupMembership, Meeting, Partnership, Person  # noqa: E402
from cscp.pdf import render_pdf  # noqa: E402

GROUPS = 10
ACTIONS = 5_000
OPEN_ACTIONS = 300
PDF_LIMIT_SECONDS = 15

SECTIONS = (
    "What we did",
    "What difference it made, and the evidence for it",
    "What is not working",
    "Risks",
    "Matters to escalate",
    "Next steps",
)
# Sentences a chair might write; each answer strings ten to sixteen of them together (roughly 150 to 250 words).
SENTENCES = (
    "The subgroup met twice this quarter with good attendance from health, police and children's social care.",
    "We completed the multi-agency audit of neglect cases and shared the findings with the practitioner forums.",
    "Use of the graded care profile has risen, and practitioners tell us it helps them describe cumulative harm.",
    "Re-referrals within twelve months fell from 24.1% to 21.8%, though the rate is still above our neighbours.",
    "Schools report that the new escalation flowchart is clear, but few have used it so far.",
    "Recruitment to health visiting remains difficult and caseloads in two districts exceed the agreed level.",
    "The learning from the rapid review of Child T has been turned into a seven-minute briefing.",
    "Attendance of GPs at initial child protection conferences is still low, and written reports arrive late.",
    "We ask the Business Group to note the risk to the timeliness of strategy discussions out of hours.",
    "Next quarter we will test whether the training has changed practice by re-auditing twenty cases.",
    "Feedback from young people in the youth voices group shaped the revised missing-from-home protocol.",
    "The police have introduced a daily exploitation triage meeting that partners now attend.",
)


def _answer(rng: random.Random) -> str:
    paragraphs = []
    for _ in range(rng.randint(2, 3)):
        paragraphs.append(" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(4, 6))))
    return "\n\n".join(paragraphs)


def build_governance() -> tuple[Person, Meeting]:
    """The data, built once with bulk inserts; a second run reuses it."""
    admin = Person.objects.filter(username="bench-gov-admin").first()
    if admin is not None:
        meeting = Meeting.objects.get(group__name="Bench Board", title="Bench Board meeting")
        return admin, meeting
    rng = random.Random(20261127)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=400)
    password = make_password("bench-password-not-secret")
    Partnership.objects.update_or_create(pk=1, defaults={"name": "Bench Safeguarding Children Partnership"})
    team = Group.objects.create(name="Bench team", kind=Group.Kind.TEAM)
    board = Group.objects.create(name="Bench Board", kind=Group.Kind.BOARD)
    admin = Person.objects.create(username="bench-gov-admin", email="bench-gov-admin@example.org", password=password)
    GroupMembership.objects.create(person=admin, group=team, role="officer", start_date=start)
    groups = [Group.objects.create(name=f"Bench subgroup {n:02d}", kind=Group.Kind.SUBGROUP) for n in range(GROUPS)]
    Person.objects.bulk_create(
        [
            Person(username=f"bench-gov-chair{n:02d}", email=f"bench-gov-chair{n:02d}@example.org", password=password)
            for n in range(GROUPS)
        ]
    )
    chairs = list(Person.objects.filter(username__startswith="bench-gov-chair").order_by("username"))
    GroupMembership.objects.bulk_create(
        [
            GroupMembership(person=chair, group=group, role="chair", start_date=start)
            for chair, group in zip(chairs, groups, strict=True)
        ]
    )
    meeting = Meeting.objects.create(group=board, date=today + datetime.timedelta(days=6), title="Bench Board meeting")
    sections = [
        ImpactTemplateSection.objects.create(title=title, order=(n + 1) * 10) for n, title in enumerate(SECTIONS)
    ]
    cycle = ReportingCycle.objects.create(
        title="Bench cycle", board_meeting=meeting, due_date=today - datetime.timedelta(days=3)
    )
    cycle.groups.set(groups)
    # Acknowledged, so the pack prints every update in full: the largest pack this data makes.
    submitted = timezone.now() - datetime.timedelta(days=4)
    ImpactUpdate.objects.bulk_create(
        [
            ImpactUpdate(group=g, cycle=cycle, status="acknowledged", submitted_at=submitted, submitted_by=c)
            for g, c in zip(groups, chairs, strict=True)
        ]
    )
    updates = list(ImpactUpdate.objects.filter(cycle=cycle))
    ImpactUpdateAnswer.objects.bulk_create(
        [ImpactUpdateAnswer(update=u, section=s, text=_answer(rng)) for u in updates for s in sections]
    )
    Escalation.objects.bulk_create(
        [
            Escalation(
                title=f"Bench escalation {n}: capacity in health visiting",
                concern=_answer(rng)[:600],
                evidence="Caseload data for the quarter.",
                ask="Ask the ICB to fund additional health visitors for a year.",
                raised_by_group=groups[n % GROUPS],
                raised_by=chairs[n % GROUPS],
                board_meeting=meeting,
            )
            for n in range(6)
        ]
    )
    actions = []
    for n in range(ACTIONS):
        group_index = n % GROUPS
        is_open = n < OPEN_ACTIONS
        # A third of the open actions are overdue or at risk (half each); the rest are on track, due well ahead.
        if is_open and n % 6 == 0:
            due = today - datetime.timedelta(days=rng.randint(1, 90))
        elif is_open:
            due = today + datetime.timedelta(days=rng.randint(20, 200))
        else:
            due = today - datetime.timedelta(days=rng.randint(1, 700))
        raised = min(due, today) - datetime.timedelta(days=rng.randint(30, 200))
        actions.append(
            Action(
                reference=f"BENCH-{n:05d}",
                title=f"Embed the learning from review {n % 40} in supervision and training",
                owner_group=groups[group_index],
                owner_person=chairs[group_index],
                raised_on=raised,
                due_date=due,
                stage="open" if is_open else rng.choice(["completed", "impact_tested", "closed"]),
                progress="at_risk" if is_open and n % 6 == 3 else "on_track",
            )
        )
    Action.objects.bulk_create(actions, batch_size=1000)
    open_ids = list(Action.objects.filter(stage="open").values_list("pk", flat=True))
    ActionNote.objects.bulk_create(
        [
            ActionNote(
                action_id=pk,
                author=admin,
                noted_on=today - datetime.timedelta(days=k * 14),
                text=rng.choice(SENTENCES),
            )
            for pk in open_ids
            for k in range(2)
        ],
        batch_size=1000,
    )
    return admin, meeting


def timed(run, repeat: int) -> tuple[float, float, int]:
    """Median and 95th percentile in ms, and the queries of one run."""
    run()  # warm templates and caches
    # A request empties the connection's query log when it starts, and the captured queries are read from that log
    # when asked for: start from an empty log, and count them before anything else runs.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        run()
    queries = len(captured)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times) * 1000, p95 * 1000, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--pdf-repeat", type=int, default=3)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        admin, meeting = build_governance()
    print(
        f"Data: {Group.objects.filter(kind='subgroup', name__startswith='Bench').count()} reporting groups, "
        f"{ImpactUpdateAnswer.objects.count():,} answers "
        f"(about {sum(len(a.split()) for a in ImpactUpdateAnswer.objects.values_list('text', flat=True)):,} words), "
        f"{Action.objects.count():,} actions, {Action.objects.filter(stage='open').count():,} open "
        f"({overdue_and_at_risk(timezone.localdate()).count()} overdue or at risk), "
        f"{Escalation.objects.exclude(status='closed').count()} open escalations"
    )

    meeting = Meeting.objects.select_related("group").get(pk=meeting.pk)
    rows = [("board pack context", *timed(lambda: board_pack_context(meeting), args.repeat), "")]

    pdf_sizes = {}

    def render():
        pdf = render_pdf("pdf/board_pack.html", board_pack_context(meeting))
        pdf_sizes["pages"] = pdf_page_count(pdf)

    median, p95, queries = timed(render, args.pdf_repeat)
    verdict = "ok" if p95 < PDF_LIMIT_SECONDS * 1000 else f"OVER {PDF_LIMIT_SECONDS} s"
    rows.append((f"board pack PDF ({pdf_sizes['pages']} pages)", median, p95, queries, verdict))

    client = Client()
    client.force_login(admin)
    try:
        tracker = reverse("actions:list")
    except NoReverseMatch:
        tracker = None
    if tracker:
        group = Group.objects.get(name="Bench subgroup 03")
        for name, url in (
            ("tracker, page 1", tracker),
            ("tracker, page 40", f"{tracker}?page=40"),
            ("tracker, overdue in a group", f"{tracker}?status=overdue&owner_group={group.pk}"),
            ("tracker, open, search", f"{tracker}?status=open&q=review"),
        ):
            status = {}

            def get(url=url, status=status):
                status["code"] = client.get(url).status_code

            median, p95, queries = timed(get, args.repeat)
            rows.append((name, median, p95, queries, str(status["code"])))
    else:
        print("The action tracker (actions:list) is not in this version: its pages are not timed.")

    print(f"{'what':<34}{'median ms':>11}{'p95 ms':>10}{'queries':>9}  note")
    for name, median, p95, queries, note in rows:
        print(f"{name:<34}{median:>11.1f}{p95:>10.1f}{queries:>9}  {note}")


if __name__ == "__main__":
    main()
