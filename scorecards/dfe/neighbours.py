"""DfE children's services statistical neighbours: the 2021 and the 2025 models.

Each local authority has ten statistical neighbours, in order of similarity, each with DfE's word for how close
it is ("Extremely close" … "Not close"). The files give DfE's three-digit LA numbers only; the new (ONS) codes
come from a lookup built from any EES file (`ees.la_lookup`).

2021 (New_Statistical_Neighbour_Groupings_April_2021.csv): columns `LA num`, `LA Name`, `LA number`, `GOInd`,
`GOReg`, then `SN1`, `SNP`, `SN2`, `SNP`, … `SN10`, `SNP` (every closeness column is called `SNP`: it belongs to
the SN column before it) and a trailing empty column. After a blank row, a section headed "Old SNs:" gives the
groups of authorities abolished by reorganisation (Dorset, Poole and Bournemouth before 2019, Northamptonshire
before 2021): those groups are kept with `current=False`.

2025 (sn_model_2025_wide.csv): `old_la_code`, `la_name`, `region_ind`, `region_name`, then `SN_1`, `SN_1P`, …
`SN_10`, `SN_10P`. Cumbria is gone; Cumberland (942) and Westmorland and Furness (943) have groups of their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ees import csv_grid, kind_of, normalise_name, read_bytes
from .records import ImportProblem, ProblemList

CLOSENESS = ("Extremely close", "Very close", "Close", "Somewhat close", "Not close")
_CLOSENESS = {word.lower(): word for word in CLOSENESS}

_NEIGHBOUR = re.compile(r"sn_?(\d+)")
_NEIGHBOUR_CLOSENESS = re.compile(r"sn_?(\d+)p")
_CODE_COLUMNS = ("old_la_code", "la number", "la num")
_NAME_COLUMNS = ("la_name", "la name")
_REGION_COLUMNS = ("region_name", "goreg")
_OLD_SECTION = re.compile(r"old sns?\s*:?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Neighbour:
    rank: int  # 1 is the most similar
    old_la_code: str
    new_la_code: str
    name: str
    closeness: str | None  # one of CLOSENESS, or None if the file gives none


@dataclass
class NeighbourGroup:
    old_la_code: str
    new_la_code: str
    name: str
    region: str
    neighbours: list[Neighbour]
    current: bool = True  # False for the 2021 file's "Old SNs" (authorities since abolished)
    row: int | None = None

    @property
    def codes(self) -> list[str]:
        return [neighbour.old_la_code for neighbour in self.neighbours]


@dataclass
class NeighbourModel:
    """One model's groups, keyed by DfE's three-digit LA number."""

    year: int
    source: str
    groups: dict[str, NeighbourGroup] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)

    def __getitem__(self, code: str) -> NeighbourGroup:
        return self.groups[self._old_code(code)]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self._old_code(code) in self.groups

    def __len__(self) -> int:
        return len(self.groups)

    def _old_code(self, code: str) -> str:
        if code in self.groups:
            return code
        for group in self.groups.values():
            if group.new_la_code and group.new_la_code == code:
                return group.old_la_code
        return code


def read_sn_2021(path: Any, *, la_lookup: Mapping[str, tuple[str, str]] | None = None) -> NeighbourModel:
    """The 2021 model (New_Statistical_Neighbour_Groupings_April_2021.csv)."""
    return read_neighbours(path, year=2021, la_lookup=la_lookup)


def read_sn_2025(path: Any, *, la_lookup: Mapping[str, tuple[str, str]] | None = None) -> NeighbourModel:
    """The 2025 model (sn_model_2025_wide.csv)."""
    return read_neighbours(path, year=2025, la_lookup=la_lookup)


def _closeness(text: str) -> str | None:
    key = " ".join(text.split()).lower()
    return _CLOSENESS.get(key)


def _first(index: Mapping[str, int], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in index:
            return index[name]
    return None


def read_neighbours(  # noqa: C901 - a single walk over the file's rows
    path: Any, *, year: int, la_lookup: Mapping[str, tuple[str, str]] | None = None
) -> NeighbourModel:
    """Read a wide statistical-neighbour table: one row per LA, then its neighbours' numbers and closeness."""
    data, name = read_bytes(path)
    model = NeighbourModel(year=year, source=name or Path(str(path)).name)
    problems = ProblemList()
    kind = kind_of(data)
    grid = csv_grid(data, problems) if kind == "csv" else None
    if kind != "csv":
        problems.add(None, None, "The statistical-neighbour file must be a CSV file.")
    if grid is None:
        model.problems = problems.result()
        return model

    header = [normalise_name(cell) for cell in grid[0]]
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        index.setdefault(cell, position)
    code_at = _first(index, _CODE_COLUMNS)
    name_at = _first(index, _NAME_COLUMNS)
    region_at = _first(index, _REGION_COLUMNS)
    if code_at is None:
        problems.add(None, None, "The file has no `old_la_code` (or `LA number`) column")
    if name_at is None:
        problems.add(None, None, "The file has no `la_name` (or `LA Name`) column")
    # Neighbour columns: SN1 / SN_1 …; their closeness is SN_1P, or the `SNP` column straight after SN1.
    neighbour_at: dict[int, int] = {}
    closeness_at: dict[int, int] = {}
    for position, cell in enumerate(header):
        if match := _NEIGHBOUR.fullmatch(cell):
            neighbour_at[int(match.group(1))] = position
            following = header[position + 1] if position + 1 < len(header) else ""
            if following == "snp":
                closeness_at[int(match.group(1))] = position + 1
        elif match := _NEIGHBOUR_CLOSENESS.fullmatch(cell):
            closeness_at[int(match.group(1))] = position
    if not neighbour_at:
        problems.add(None, None, "The file has no neighbour columns (SN1 … SN10 or SN_1 … SN_10)")
    if problems:
        model.problems = problems.result()
        return model

    lookup = la_lookup or {}
    names: dict[str, str] = {}
    raw_groups: list[tuple[int, str, str, str, bool, list[tuple[int, str, str | None]]]] = []
    current = True
    for number, cells in enumerate(grid[1:], start=2):
        cells = [cell.strip() for cell in cells]
        code = cells[code_at]
        la_name = cells[name_at]
        if not code:
            if any(_OLD_SECTION.fullmatch(cell) for cell in cells if cell):
                current = False
            elif any(cells):
                problems.add(number, None, f"this row has no LA number ({la_name or 'no name either'})")
            continue
        if not re.fullmatch(r"\d{3}", code):
            problems.add(number, _header_of(grid, code_at), f"'{code}' is not a DfE LA number (three digits)")
            continue
        neighbours: list[tuple[int, str, str | None]] = []
        for rank in sorted(neighbour_at):
            neighbour = cells[neighbour_at[rank]]
            if not neighbour:
                continue
            if not re.fullmatch(r"\d{3}", neighbour):
                problems.add(number, _header_of(grid, neighbour_at[rank]), f"'{neighbour}' is not a DfE LA number")
                continue
            closeness = None
            if rank in closeness_at:
                written = cells[closeness_at[rank]]
                closeness = _closeness(written)
                if written and closeness is None:
                    problems.add(
                        number,
                        _header_of(grid, closeness_at[rank]),
                        f"'{written}' is not one of DfE's closeness words ({', '.join(CLOSENESS)})",
                    )
            neighbours.append((rank, neighbour, closeness))
        if current or code not in names:
            names[code] = la_name
        region = cells[region_at] if region_at is not None else ""
        raw_groups.append((number, code, la_name, region, current, neighbours))

    for number, code, la_name, region, is_current, neighbours in raw_groups:
        if code in model.groups:
            problems.add(number, None, f"LA {code} ({la_name}) has a second group of neighbours")
            continue
        model.groups[code] = NeighbourGroup(
            old_la_code=code,
            new_la_code=lookup.get(code, ("", ""))[0],
            name=la_name,
            region=region,
            current=is_current,
            row=number,
            neighbours=[
                Neighbour(
                    rank=rank,
                    old_la_code=neighbour,
                    new_la_code=lookup.get(neighbour, ("", ""))[0],
                    name=names.get(neighbour) or lookup.get(neighbour, ("", ""))[1],
                    closeness=closeness,
                )
                for rank, neighbour, closeness in neighbours
            ],
        )
    model.problems = problems.result()
    if model.problems:
        model.groups = {}
    return model


def _header_of(grid: list[list[str]], position: int) -> str:
    return str(grid[0][position]).replace("\ufeff", "").strip()
