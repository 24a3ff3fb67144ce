"""What an import found and did, in the words the result page shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from scorecards.dfe import ImportProblem

Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    """The default progress callback: nothing to tell."""


class DryRun(Exception):
    """Raised inside the saving transaction of a preview, so everything it wrote is rolled back."""


@dataclass
class Outcome:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_reasons: Counter = field(default_factory=Counter)
    problems: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Local values only: each row's outcome (create / update / unchanged / error) before anything is saved.
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped += count
        self.skipped_reasons[reason] += count

    def problem(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(ImportProblem(row, column, message))

    def problems_as_json(self) -> list[dict]:
        return [{"row": item.row, "column": item.column, "message": item.message} for item in self.problems]
