"""The tracker as a spreadsheet: CSV and Excel downloads of the list as filtered on the page.

One row per action in a fixed number of queries, whatever the number of actions: the actions with their owners,
and their themes read once through the join table. Dates are real dates in Excel and ISO dates in the CSV; the
status is in words, with the RAG rating beside it, because a colour does not survive printing or a screen reader.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet
from django.http import HttpResponse

from cscp.actions import status as st
from cscp.actions.models import Action

HEADERS = (
    "Reference",
    "Action",
    "Status",
    "RAG",
    "Source",
    "Source reference",
    "Owner group",
    "Owner agency",
    "Named owner",
    "Date raised",
    "Due date",
    "Date completed",
    "Signed off",
    "Made a difference",
    "Business plan priority",
    "Themes",
)
DATE_COLUMNS = {"Date raised", "Due date", "Date completed", "Signed off"}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet treats a cell starting with one of these as a formula; people's text must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _themes_by_action(actions: QuerySet[Action]) -> dict[int, list[str]]:
    through = Action.themes.through
    names: dict[int, list[str]] = defaultdict(list)
    # A subquery rather than a list of ids, so 5,000 actions are not 5,000 query parameters.
    rows = (
        through.objects.filter(action__in=actions.order_by().values("pk"))
        .order_by("theme__name")
        .values_list("action_id", "theme__name")
    )
    for action_id, name in rows:
        names[action_id].append(name)
    return names


def export_rows(actions: QuerySet[Action], today: datetime.date) -> list[list]:
    themes = _themes_by_action(actions)
    rows = []
    for action in actions:
        status = getattr(action, "status", None) or st.derived_status(action, today)
        signed_off = action.signed_off_at.date() if action.signed_off_at else None
        rows.append(
            [
                action.reference,
                action.title,
                st.label(status),
                st.RAG.get(status, ""),
                action.get_source_display(),
                action.source_reference,
                action.owner_group.name if action.owner_group else "",
                action.owner_agency.name if action.owner_agency else "",
                str(action.owner_person) if action.owner_person else "",
                action.raised_on,
                action.due_date,
                action.completed_on,
                signed_off,
                action.get_made_difference_display() if action.made_difference else "",
                str(action.priority) if action.priority else "",
                "; ".join(themes.get(action.pk, [])),
            ]
        )
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(rows: Iterable[list], *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark, so Excel opens the file as UTF-8 (names with accents, "–").
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([_text(value) for value in row])
    return response


def xlsx_response(rows: Iterable[list], *, filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    date_columns = [n for n, header in enumerate(HEADERS, start=1) if header in DATE_COLUMNS]
    for row in rows:
        sheet.append([_text(value) if not isinstance(value, datetime.date) else value for value in row])
    for column in date_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = "d mmmm yyyy"
    widths = {"Reference": 10, "Action": 60, "Status": 14, "RAG": 8}
    for n, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = widths.get(header, 20)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{sheet.max_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
