"""Importing the partnership's own indicator values from a CSV file or an Excel workbook.

Columns (found by name, in any order, ignoring case): `indicator` (its code), `period` (2025-04, FY2025-26-Q1 or
FY2025-26; a date or "April 2025" is read as its month), and either `value` or `numerator` and `denominator`
(an indicator with a numerator and denominator takes those, and its rate is computed); and `commentary`, which a
new or changed figure that is red against its target needs unless the period's commentary is already written.

Every row meets exactly the rules of the figure-entry page, checked by the same service
(`services.indicator_values_check`): a complete period from the indicator's first period on, figures in shape for
its unit, a numerator no larger than its denominator, commentary for a red figure. Each problem names its row, its
column and the indicator. Beyond those, a row must carry a figure, and name an indicator this person may import.

`preview_values` checks every row and says what would happen to it (create, update, unchanged, or the error with
its row and column) without saving anything; `apply_values` saves them all in one transaction, or nothing if any
row fails. The same checks run in both, so a value changed between preview and confirm is caught.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.db import transaction
from django.db.models.functions import Lower

from scorecards.dfe.ees import CSV, XLSX, csv_grid, kind_of, normalise_name, xlsx_grid
from scorecards.dfe.records import ProblemList
from scorecards.formatting import format_value
from scorecards.imports.outcome import Outcome, Progress, no_progress
from scorecards.models import Indicator, IndicatorValue
from scorecards.periods import MONTH_NAMES, Period
from scorecards.ranges import indicator_words
from scorecards.rules import may_import_values_for
from scorecards.services import Entry, RowErrors, indicator_values_check, indicator_values_save

COLUMNS = {
    "indicator": ("indicator", "indicator_code", "code", "indicator code"),
    "period": ("period", "period_key", "month", "quarter", "period key"),
    "value": ("value",),
    "numerator": ("numerator",),
    "denominator": ("denominator",),
    "commentary": ("commentary", "comment"),
}
_MONTH = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
_MONTH.update({name[:3].lower(): number for name, number in list(_MONTH.items())})
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?")
_MONTH_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{4})")
PROGRESS_EVERY = 200
# Rows kept for the preview page: a bigger file's preview shows its first rows (confirming checks every row again).
STORED_PREVIEW = 5_000
_REFUSED = {
    "empty": "The file is empty.",
    "html": "This is a web page, not a data file: download the CSV or Excel file itself.",
    "pdf": "This is a PDF: upload the figures as a CSV file or an Excel workbook.",
    "xls": "This is an old Excel file (.xls): save it as .xlsx or CSV and upload it again.",
    "zip": "This is a ZIP file: unzip it and upload the CSV or Excel file inside.",
    "ods": "This is an OpenDocument spreadsheet: save it as .xlsx or CSV and upload it again.",
    "binary": "This is not a CSV file or an Excel workbook.",
}


def read_period(text: str) -> Period:
    text = text.strip()
    try:
        return Period.parse(text)
    except (TypeError, ValueError):
        pass
    if match := _ISO_DATE.fullmatch(text):
        return Period.for_month(int(match[1]), int(match[2]))
    if (match := _MONTH_YEAR.fullmatch(text)) and match[1].lower() in _MONTH:
        return Period.for_month(int(match[2]), _MONTH[match[1].lower()])
    raise ValueError(
        f"'{text}' is not a period: write a month as 2025-04, a quarter as FY2025-26-Q1 or a year as FY2025-26"
    )


def _grid(data: bytes, outcome: Outcome) -> list[list[str]] | None:
    problems = ProblemList()
    kind = kind_of(data)
    if kind == CSV:
        grid = csv_grid(data, problems)
    elif kind == XLSX:
        grid = xlsx_grid(data, problems)
    else:
        outcome.problem(None, None, _REFUSED.get(kind, _REFUSED["binary"]))
        return None
    if problems:
        outcome.add_problems(problems.result())
        return None
    if not grid or len(grid) < 2:
        outcome.problem(None, None, "The file has no rows of figures under its header row.")
        return None
    return grid


def _columns(header: list[str], outcome: Outcome) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for position, cell in enumerate(header):
        name = normalise_name(cell)
        for key, names in COLUMNS.items():
            if name in names and key not in found:
                found[key] = (position, str(cell).strip() or key)
    missing = [key for key in ("indicator", "period") if key not in found]
    if "value" not in found and not ("numerator" in found and "denominator" in found):
        missing.append("value (or numerator and denominator)")
    for key in missing:
        outcome.problem(1, None, f"The file has no `{key}` column: add it to the header row")
    if missing and not any(normalise_name(cell) in {n for names in COLUMNS.values() for n in names} for cell in header):
        outcome.problem(
            None,
            None,
            "The first row must be the header (indicator, period, value): is this a file of indicator values?",
        )
    return found


def check_values(data: bytes, *, actor, progress: Progress = no_progress, today=None) -> tuple[Outcome, dict]:
    """Every row's outcome, and the rows to save grouped by period ({period key: [row dict]}). Each row meets
    exactly the entry page's rules (`services.indicator_values_check`): a problem names its row, its column and
    the indicator."""
    outcome = Outcome()
    by_period: dict[str, list[dict]] = defaultdict(list)
    grid = _grid(data, outcome)
    if grid is None:
        return outcome, by_period
    columns = _columns([str(cell) for cell in grid[0]], outcome)
    if outcome.problems:
        return outcome, by_period
    header = {key: heading for key, (_, heading) in columns.items()}

    def cell(cells: list, key: str) -> str:
        if key not in columns:
            return ""
        position = columns[key][0]
        return str(cells[position]).strip() if position < len(cells) and cells[position] is not None else ""

    rows = [(number, cells) for number, cells in enumerate(grid[1:], start=2) if any(str(c).strip() for c in cells)]
    total = len(rows)
    codes = {cell(cells, "indicator").lower() for _, cells in rows}
    indicators = {
        indicator.code.lower(): indicator
        for indicator in Indicator.objects.annotate(lowered=Lower("code")).filter(lowered__in=codes)
    }
    seen: dict[tuple[int, str], int] = {}
    # The rows that name an indicator and period this person may import, to be checked by the entry page's rules.
    pending: list[tuple[dict, dict]] = []
    entries: list[Entry] = []
    outcome.rows_read = total

    def refuse(entry: dict, column: str | None, message: str) -> None:
        entry["outcome"] = "error"
        entry["message"] = message if not entry["message"] else f"{entry['message']}; {message}"
        outcome.problem(entry["row"], header.get(column, column) if column else None, message)

    for done, (number, cells) in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
        entry = {
            "row": number,
            "indicator": cell(cells, "indicator"),
            "indicator_name": "",
            "period": cell(cells, "period"),
            "period_label": "",
            "value": cell(cells, "value"),
            "numerator": cell(cells, "numerator"),
            "denominator": cell(cells, "denominator"),
            "previous": "",
            "outcome": "error",
            "message": "",
        }
        outcome.preview.append(entry)
        indicator = indicators.get(entry["indicator"].lower())
        if not entry["indicator"]:
            refuse(entry, "indicator", "Enter the indicator's code")
            continue
        if indicator is None:
            refuse(entry, "indicator", f"No indicator has the code '{entry['indicator']}': check the code")
            continue
        entry["indicator"], entry["indicator_name"] = indicator.code, indicator.name
        try:
            period = read_period(entry["period"])
        except ValueError as error:
            refuse(entry, "period", str(error) if entry["period"] else "Enter the period, like 2025-04")
            continue
        entry["period"], entry["period_label"] = period.key, period.label
        if not may_import_values_for(actor, indicator):
            refuse(
                entry,
                "indicator",
                f"Only {indicator.code}'s responsible officer or a data officer can import its values",
            )
            continue
        key = (indicator.pk, period.key)
        if key in seen:
            refuse(entry, None, f"This row repeats row {seen[key]}: the same indicator and period")
            continue
        seen[key] = number
        raw = {
            "indicator": indicator,
            "value": entry["value"],
            "numerator": entry["numerator"],
            "denominator": entry["denominator"],
            "commentary": cell(cells, "commentary"),
            "row": number,
        }
        if not any((raw["value"], raw["numerator"], raw["denominator"])):
            # A row of a file is there to carry a figure: commentary alone is written on the indicator's page.
            refuse(entry, "value", f"{indicator_words(indicator)}: enter a value (or the numerator and denominator)")
            continue
        pending.append((entry, raw))
        entries.append(Entry(indicator, period, raw))
    progress(total, total)
    # The entry page's rules, exactly: the period, the figures' shape, commentary for a red figure.
    checked, errors = indicator_values_check(entries, today=today)
    for position, (entry, raw) in enumerate(pending):
        if position in errors:
            for name, messages in errors[position].items():
                for message in messages:
                    refuse(entry, name, message)
            continue
        row = checked[position]
        unit = row.clean.indicator.unit
        entry["value"] = format_value(row.clean.value, unit)
        if row.existing is not None:
            entry["previous"] = format_value(row.existing.value, unit)
        if row.existing is None:
            entry["outcome"] = "create"
        else:
            entry["outcome"] = "update" if row.changes_figure else "unchanged"
        by_period[row.period.key].append(raw)
    for entry in outcome.preview:
        if entry["outcome"] == "create":
            outcome.created += 1
        elif entry["outcome"] == "update":
            outcome.updated += 1
        elif entry["outcome"] == "unchanged":
            outcome.unchanged += 1
    if len(outcome.preview) > STORED_PREVIEW:
        outcome.notes.append(f"The preview shows the first {STORED_PREVIEW:,} of the file's {total:,} rows.")
        del outcome.preview[STORED_PREVIEW:]
    return outcome, by_period


def preview_values(data: bytes, *, actor, progress: Progress = no_progress) -> Outcome:
    outcome, _ = check_values(data, actor=actor, progress=progress)
    return outcome


def apply_values(data: bytes, *, actor, run=None, progress: Progress = no_progress) -> Outcome:
    """Save every row, or nothing: the file is checked again first, and the service checks each period's rows
    by the same rules as it saves them."""
    outcome, by_period = check_values(data, actor=actor, progress=progress)
    outcome.created = outcome.updated = outcome.unchanged = 0
    if outcome.problems:
        return outcome
    try:
        with transaction.atomic():
            for key, rows in by_period.items():
                try:
                    result = indicator_values_save(
                        actor=actor,
                        period=key,
                        rows=rows,
                        source=IndicatorValue.Source.IMPORTED,
                        import_run=run,
                        check_permission=False,
                    )
                except RowErrors as error:
                    # Something changed since the check above (a target, a figure): each problem by its row.
                    for index, fields in error.row_errors.items():
                        for name, messages in fields.items():
                            for message in messages:
                                outcome.problem(rows[index]["row"], header_of(name), message)
                    raise
                outcome.created += len(result.created)
                outcome.updated += len(result.updated)
                outcome.unchanged += len(result.unchanged)
    except RowErrors:
        outcome.created = outcome.updated = outcome.unchanged = 0
    return outcome


def header_of(name: str) -> str:
    """The column a service's field is read from, as the documented header names it."""
    return COLUMNS.get(name, (name,))[0]
