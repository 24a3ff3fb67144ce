"""The scorecard as a spreadsheet (Excel, one sheet per view) and as CSV (the summary), from the same context
as the page and the PDF (`reports.scorecard_context`), so the downloads say what the page says.

Figures are numbers, rounded as the page shows them, with a number format for their unit, so they can be
sorted and charted; a figure DfE withheld is written in words ("Not published (small number)"), never as
DfE's symbol. Text that a spreadsheet would run as a formula (starting "=", "+", "-" or "@") is kept as text.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from scorecards import judgements
from scorecards.formatting import unit_heading
from scorecards.reports import ComparatorRow, IndicatorView

NUMBER_FORMATS = {
    judgements.PERCENT: '0.0"%"',
    judgements.RATE_PER_10000: "#,##0.0",
    judgements.COUNT: "#,##0",
    judgements.DAYS: "#,##0",
    judgements.RATIO: "0.00",
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _number(value: Decimal | None, unit: str):
    rounded = judgements.round_for_display(value, unit)
    if rounded is None:
        return None
    return int(rounded) if judgements.DISPLAY_PLACES[unit] == 0 else float(rounded)


def _figure(value: Decimal | None, text: str, unit: str):
    """A number where there is one, else the words the page uses ("No data", "Not published (small number)")."""
    number = _number(value, unit)
    return number if number is not None else text


def _safe_text(text: str) -> str:
    # A leading apostrophe is how spreadsheets are told "this is text", in a CSV that they will open.
    return f"'{text}" if text and text.startswith(_FORMULA_STARTS) else text


def _judgement(row: ComparatorRow) -> str:
    """How our figure compares, for the "Our figure is" column: blank beside our own figure."""
    if row.is_ours:
        return ""
    return row.judgement or "Not compared"


def _commentary(view: IndicatorView) -> str:
    return view.data.commentary.text if view.data.commentary else ""


def summary_rows(context: dict) -> tuple[list[str], list[tuple[list, str]]]:
    """The summary view: one row per indicator, with its unit for the figures' number format."""
    header = [
        "Code",
        "Indicator",
        "Area",
        "Unit",
        "What better means",
        "Period",
        "Figure",
        "Target",
        "Milestone",
        "Rating",
        "Since the previous period",
        "Since the same period last year",
        "Comparator year",
        "Our published figure",
        "England",
        "Region",
        "Statistical neighbours' average",
        "Rank among statistical neighbours",
        "Quartile in England",
        "Responsible officer",
        "Commentary",
        "Local and published figures",
    ]
    rows = []
    for view in context["indicators"]:
        row = view.data
        unit = row.unit
        comparators = {c.label: c for c in view.comparators}
        region_label = row.region.area_name if row.region else "Region"

        def comparator(label: str, unit=unit, comparators=comparators):
            found = comparators.get(label)
            return _figure(found.value, found.value_text, unit) if found else ""

        rows.append(
            (
                [
                    row.code,
                    row.name,
                    row.area_label,
                    unit_heading(unit),
                    view.polarity_text,
                    row.period.label,
                    _figure(row.value, view.value_text, unit),
                    _figure(row.target, view.target_text, unit),
                    _figure(row.milestone, "", unit),
                    view.rag["text"],
                    view.direction_previous,
                    view.direction_year,
                    row.comparator_period.financial_year_label if row.comparator_period else "",
                    comparator("Ours (published)"),
                    comparator("England"),
                    comparator(region_label),
                    comparator("Neighbours' average"),
                    view.rank_text,
                    view.quartile_text,
                    row.responsible_officer_name,
                    _commentary(view),
                    view.divergence_short,
                ],
                unit,
            )
        )
    return header, rows


# Which columns of each sheet hold figures in the indicator's unit (numbered from 0).
SUMMARY_FIGURES = {6, 7, 8, 13, 14, 15, 16}


def _sheet(
    workbook: Workbook,
    title: str,
    header: list[str],
    rows,
    figure_columns: set[int],
    *,
    counts: set[int] = frozenset(),
    first: bool = False,
):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values, unit in rows:
        sheet.append([None] * len(values))
        row_number = sheet.max_row
        for index, value in enumerate(values):
            cell = sheet.cell(row=row_number, column=index + 1)
            cell.value = value
            if isinstance(value, str):
                # openpyxl reads a string starting "=" as a formula: keep it as the text it is.
                cell.data_type = "s"
            elif index in figure_columns and value is not None:
                cell.number_format = NUMBER_FORMATS[unit]
            elif index in counts and value is not None:
                cell.number_format = NUMBER_FORMATS[judgements.COUNT]
    sheet.freeze_panes = "C2"
    for index, name in enumerate(header, start=1):
        width = 50 if name in ("Indicator", "Commentary", "What better means") else max(12, min(30, len(name) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.auto_filter.ref = sheet.dimensions
    return sheet


def scorecard_workbook(context: dict) -> bytes:
    """The scorecard as an Excel workbook: summary, the past year, earlier quarters, comparators, neighbours
    and commentary, each a sheet with a header row."""
    workbook = Workbook()
    header, rows = summary_rows(context)
    _sheet(workbook, "Summary", header, rows, SUMMARY_FIGURES, first=True)

    recent = []
    earlier = []
    for view in context["indicators"]:
        unit = view.data.unit
        for period_row in view.recent:
            recent.append(
                (
                    [
                        view.data.code,
                        view.data.name,
                        unit_heading(unit),
                        period_row.period.label,
                        period_row.period.key,
                        _figure(period_row.value, period_row.value_text, unit),
                        _number(period_row.numerator, judgements.COUNT),
                        _number(period_row.denominator, judgements.COUNT),
                        _figure(period_row.target, period_row.target_text, unit),
                        period_row.rag["text"],
                    ],
                    unit,
                )
            )
        for period_row in view.earlier:
            earlier.append(
                (
                    [
                        view.data.code,
                        view.data.name,
                        unit_heading(unit),
                        period_row.period.label,
                        period_row.period.key,
                        _figure(period_row.value, period_row.value_text, unit),
                        _number(period_row.numerator, judgements.COUNT),
                        _number(period_row.denominator, judgements.COUNT),
                    ],
                    unit,
                )
            )
    period_header = ["Code", "Indicator", "Unit", "Period", "Period key", "Figure", "Numerator", "Denominator"]
    _sheet(workbook, "Past year", [*period_header, "Target", "Rating"], recent, {5, 8}, counts={6, 7})
    _sheet(workbook, "Earlier quarters", period_header, earlier, {5}, counts={6, 7})

    comparators = []
    neighbours = []
    for view in context["indicators"]:
        unit = view.data.unit
        for row in view.comparators:
            comparators.append(
                (
                    [
                        view.data.code,
                        view.data.name,
                        unit_heading(unit),
                        row.label,
                        row.period_label,
                        _figure(row.value, row.value_text, unit),
                        _judgement(row),
                        view.comparison_rule,
                    ],
                    unit,
                )
            )
        for row in view.neighbours:
            neighbours.append(
                (
                    [
                        view.data.code,
                        view.data.name,
                        unit_heading(unit),
                        row.label,
                        row.period_label,
                        _figure(row.value, row.value_text, unit),
                        _judgement(row),
                    ],
                    unit,
                )
            )
    comparator_header = ["Code", "Indicator", "Unit", "Compared with", "Year", "Figure", "Our figure is"]
    _sheet(workbook, "Comparators", [*comparator_header, "The rule"], comparators, {5})
    _sheet(workbook, "Statistical neighbours", comparator_header, neighbours, {5})

    commentary = []
    for view in context["indicators"]:
        data = view.data
        if data.commentary:
            commentary.append(
                (
                    [
                        data.code,
                        data.name,
                        data.period.label,
                        "Commentary",
                        data.commentary.author_name,
                        data.commentary.updated_at.date(),
                        data.commentary.text,
                    ],
                    data.unit,
                )
            )
        for challenge in data.challenges:
            commentary.append(
                (
                    [
                        data.code,
                        data.name,
                        data.period.label,
                        "Challenge",
                        challenge.author_name,
                        challenge.created_at.date(),
                        challenge.text,
                    ],
                    data.unit,
                )
            )
            for response in challenge.responses:
                commentary.append(
                    (
                        [
                            data.code,
                            data.name,
                            data.period.label,
                            "Response",
                            response.author_name,
                            response.created_at.date(),
                            response.text,
                        ],
                        data.unit,
                    )
                )
    sheet = _sheet(
        workbook,
        "Commentary",
        ["Code", "Indicator", "Period", "Kind", "Written by", "Date", "Commentary"],
        commentary,
        set(),
    )
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=6):
        for cell in row:
            cell.number_format = "d mmmm yyyy"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value) -> object:
    if value is None:
        return ""
    return _safe_text(value) if isinstance(value, str) else value


def scorecard_csv(context: dict) -> str:
    """The summary view as CSV: one row per indicator, figures as plain numbers at the page's precision."""
    header, rows = summary_rows(context)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for values, _unit in rows:
        writer.writerow(
            ["" if value is None else _safe_text(value) if isinstance(value, str) else value for value in values]
        )
    # A byte-order mark so that Excel reads the file as UTF-8 (names and arrows survive).
    return "\ufeff" + buffer.getvalue()
