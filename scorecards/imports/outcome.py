"""What an import found and did, in the words the result page shows.

A file can have a problem on every one of its 200,000 rows: the outcome counts every problem by its kind, keeps
the first `STORED_PROBLEMS` to store and show, and writes every one to a CSV file the result page offers for
download, so neither the stored run nor its page grows with the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from scorecards.dfe import ImportProblem

Progress = Callable[[int, int], None]
# Problems kept with the run (and so on its page); every one is in the downloadable CSV file.
STORED_PROBLEMS = 1_000
PROBLEM_COLUMNS = ("Row", "Column", "Problem")
# A spreadsheet runs a cell starting with one of these as a formula: the file's own text must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = re.compile(r"'[^']*'|`[^`]*`|\u201c[^\u201d]*\u201d")
# A number on its own, not the digits of a code: "COUNT01 Counts: enter a count of 0 or more" keeps COUNT01, so a
# kind of problem stays one indicator's.
_NUMBER = re.compile(r"(?<!\w)\d[\d,.]*")


def no_progress(done: int, total: int) -> None:
    """The default progress callback: nothing to tell."""


class DryRun(Exception):
    """Raised inside the saving transaction of a preview, so everything it wrote is rolled back."""


def problem_kind(message: str) -> str:
    """A problem's kind: its message without the values it quotes, so "No indicator has the code 'X'" is one kind."""
    return _NUMBER.sub("N", _QUOTED.sub("…", message))


def safe_cell(text: object) -> str:
    text = "" if text is None else str(text)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


@dataclass
class Outcome:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_reasons: Counter = field(default_factory=Counter)
    # The first STORED_PROBLEMS problems; `problem_total` and `problem_kinds` count them all.
    problems: list[ImportProblem] = field(default_factory=list)
    problem_total: int = 0
    problem_kinds: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    # Local values only: each row's outcome (create / update / unchanged / error) before anything is saved.
    preview: list[dict] = field(default_factory=list)
    _every_problem: io.StringIO = field(default_factory=io.StringIO, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped += count
        self.skipped_reasons[reason] += count

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        if not self.problem_total:
            csv.writer(self._every_problem).writerow(PROBLEM_COLUMNS)
        self.problem_total += 1
        self.problem_kinds[problem_kind(message)] += 1
        csv.writer(self._every_problem).writerow([row or "", safe_cell(column), safe_cell(message)])
        if len(self.problems) < STORED_PROBLEMS:
            self.problems.append(ImportProblem(row, column, message))

    def add_problems(self, problems: Iterable[ImportProblem]) -> None:
        for item in problems:
            self.problem(item.row, item.column, item.message)

    def problems_as_json(self) -> list[dict]:
        return [{"row": item.row, "column": item.column, "message": item.message} for item in self.problems]

    def problem_kinds_as_json(self) -> list[dict]:
        """Each kind of problem with how many the file has, and how many of them are not among those stored."""
        stored = Counter(problem_kind(item.message) for item in self.problems)
        return [
            {"kind": kind, "count": count, "more": count - stored[kind]}
            for kind, count in self.problem_kinds.most_common()
        ]

    def problems_csv(self) -> bytes:
        """Every problem, as a CSV file (with a byte-order mark, so Excel reads it as UTF-8)."""
        return ("\ufeff" + self._every_problem.getvalue()).encode("utf-8") if self.problem_total else b""
