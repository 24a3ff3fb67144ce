"""Reading uploaded spreadsheets within limits: hostile workbooks and CSV files are refused quickly and cheaply."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from cscp import spreadsheets
from cscp.spreadsheets import Limits, TooLarge, Unreadable, read_dicts, read_grid, read_rows

DFE = Path("/work/shared/data/dfe")
SMALL = Limits(bytes=10_000, rows=10, columns=5, cells=30, uncompressed=100_000)


def workbook_bytes(rows, *, merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(workbook: bytes, sheet_xml: str) -> bytes:
    """The workbook with its first sheet's XML replaced, as a hand-edited or hostile file would be."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = sheet_xml.encode()
            archive.writestr(info.filename, content)
    return out.getvalue()


def one_cell_at(ref: str, value: str = "x") -> bytes:
    row = int("".join(ch for ch in ref if ch.isdigit()))
    return with_sheet_xml(
        workbook_bytes([]),
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c></row>'
        "</sheetData></worksheet>",
    )


def measured(read):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read()
    finally:
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return seconds, peak


# ---------------------------------------------------------------------------------------------------- hostile


def test_a_workbook_with_one_cell_at_its_last_row_and_column_is_refused_at_once_and_cheaply():
    content = one_cell_at("XFD1048576")
    assert len(content) < 10_000
    errors = []

    def read():
        with pytest.raises(TooLarge) as raised:
            list(read_rows(content))
        errors.append(raised.value.message)

    seconds, peak = measured(read)
    assert seconds < 1
    assert peak < 20 * 1024 * 1024
    assert errors == ["The file has more than 200,000 rows; the most an import reads is 200,000"]


def test_a_workbook_that_states_a_huge_size_but_holds_little_is_read_as_it_is():
    content = with_sheet_xml(
        workbook_bytes([]),
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c><c r="B1"><v>7</v></c></row>'
        '<row r="3"><c r="A3" t="inlineStr"><is><t>CNT</t></is></c></row>'
        "</sheetData></worksheet>",
    )
    seconds, _ = measured(lambda: list(read_rows(content)))
    assert seconds < 1
    assert [(row.number, row.cells) for row in read_rows(content)] == [(1, ["indicator", "7"]), (3, ["CNT"])]
    assert read_grid(content) == [["indicator", "7"], ["", ""], ["CNT", ""]]


def test_a_far_column_is_refused_naming_it():
    with pytest.raises(TooLarge, match="Row 1 has a value in column XFD \\(column 16,384\\); the most an import"):
        list(read_rows(one_cell_at("XFD1")))


def test_a_workbook_that_states_a_small_size_but_holds_more_is_refused_by_what_it_holds():
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 21))
    content = with_sheet_xml(
        workbook_bytes([]),
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:A2"/><sheetData>{rows}</sheetData></worksheet>',
    )
    with pytest.raises(TooLarge, match="more than 10 rows"):
        list(read_rows(content, limits=SMALL))
    assert len(list(read_rows(content))) == 20


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    base = zipfile.ZipFile(io.BytesIO(workbook_bytes([["a"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in base.infolist():
            archive.writestr(info.filename, base.read(info.filename))
        archive.writestr("xl/media/padding.bin", b"\0" * (300 * 1024 * 1024))
    content = out.getvalue()
    assert len(content) < 1024 * 1024
    errors = []

    def read():
        with pytest.raises(TooLarge) as raised:
            list(read_rows(content))
        errors.append(raised.value.message)

    seconds, peak = measured(read)
    assert seconds < 1 and peak < 20 * 1024 * 1024
    assert "would grow" in errors[0] and "not an ordinary spreadsheet" in errors[0]


def test_a_workbook_that_opens_beyond_the_limit_is_refused():
    content = workbook_bytes([["x" * 500] for _ in range(500)])
    with pytest.raises(TooLarge, match="The workbook opens to"):
        list(read_rows(content, limits=Limits(bytes=10**7, rows=10**6, columns=10, cells=10**6, uncompressed=10_000)))


def test_a_csv_file_over_the_row_limit_stops_at_the_limit():
    content = b"a,b\n" + b"1,2\n" * 300_000
    seen = []

    def read():
        with pytest.raises(TooLarge) as raised:
            for row in read_rows(content):
                seen.append(row.number)
        assert raised.value.message == "The file has more than 200,000 rows; the most an import reads is 200,000"

    _, peak = measured(read)
    assert seen[-1] == 200_001  # the header and 200,000 rows under it
    # Streamed: reading 200,000 rows holds a row at a time (its time is the benchmark's to say, not a test's).
    assert peak < 60 * 1024 * 1024


def test_the_other_limits_are_named():
    with pytest.raises(TooLarge, match="The file is 20 KB; the most an import reads is 10 KB"):
        list(read_rows(b"a\n" * 10_000, limits=SMALL))
    with pytest.raises(TooLarge, match="column F"):
        list(read_rows(b"a,b,c,d,e,f\n", limits=SMALL))
    with pytest.raises(TooLarge, match="more than 30 cells"):
        list(read_rows(b"a,b,c,d\n" * 9, limits=SMALL))


def test_limits_come_from_settings(settings):
    settings.SPREADSHEET_MAX_ROWS = 3
    with pytest.raises(TooLarge, match="more than 3 rows"):
        list(read_rows(b"a\n1\n2\n3\n4\n"))
    assert len(list(read_rows(b"a\n1\n2\n3\n"))) == 4


# ---------------------------------------------------------------------------------------------------- reading


def test_csv_rows_keep_their_numbers_and_blank_lines_are_not_rows():
    assert [(n, row) for n, row in read_dicts(b"\xef\xbb\xbfindicator,value\nA,1\n\n,\nB,2\n")] == [
        (2, {"indicator": "A", "value": "1"}),
        (5, {"indicator": "B", "value": "2"}),
    ]


def test_csv_encodings_utf8_windows_1252_and_utf16():
    text = "name,value\nCafé – Cumberland,1\n"
    for encoded in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("cp1252"), text.encode("utf-16")):
        grid = read_grid(encoded.replace(b",", b"\t") if encoded.startswith(b"\xff\xfe") else encoded)
        assert grid == [["name", "value"], ["Café – Cumberland", "1"]]


def test_a_workbook_reads_like_the_csv():
    content = workbook_bytes([["indicator", "value"], ["A", 1.0], ["B", 2.5]])
    assert read_grid(content) == [["indicator", "value"], ["A", "1"], ["B", "2.5"]]


def test_merged_cells_are_found_without_loading_the_sheet():
    content = workbook_bytes([["a", "b", "c"], [1, 2, 3], [4, 5, 6]], merge="B2:C3")
    assert spreadsheets.merged_cells(content) == ["B2:C3"]
    assert spreadsheets.merged_cells(workbook_bytes([["a"]])) == []


def test_damaged_files_are_unreadable_not_errors():
    with pytest.raises(Unreadable):
        list(read_rows(b"PK\x03\x04 not really a zip"))
    with pytest.raises(Unreadable):
        list(read_rows(b"%PDF-1.4"))
    with pytest.raises(Unreadable, match="row 1"):
        list(read_rows(b'"' + b"x" * 200_000 + b'"\n'))


@pytest.mark.parametrize("path", sorted(DFE.glob("*.csv")), ids=lambda path: path.name)
def test_every_published_dfe_file_is_read_within_the_default_limits(path):
    grid = read_grid(path.read_bytes())
    assert len(grid) > 10
