"""Local-government reorganisation: one series for an area whose authorities changed.

On 1 April 2023 Cumbria (909, E10000006) was replaced by Cumberland (942, E06000063) and Westmorland and
Furness (943, E06000064). DfE's years end on 31 March, so Cumbria's last year is 2022-23 (`time_period` 2023)
and the two new authorities' first is 2023-24 (`time_period` 2024). The Cumbria Safeguarding Children
Partnership still covers the whole county, so its series is Cumbria's figures up to 2022-23 and the two new
authorities combined from 2023-24.

Combining follows one rule: counts are added up; rates and percentages are recomputed from the added-up
numerators and denominators, never averaged (the mean of two rates weighs a small authority as much as a large
one). A rate per 10,000 children published without its counts (LAIT) is weighted by each part's children (ONS),
which is the same sum with the counts worked back from the rates. A percentage published without its counts cannot
be combined at all (the importer says so). If any part has no figure (missing row, DfE symbol, blank) the combined
figure is None and its `note` says which part and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .population import Population
from .records import COMBINED, EesRecord
from .symbols import reason_for


@dataclass(frozen=True, slots=True)
class Area:
    old_la_code: str
    new_la_code: str = ""
    name: str = ""

    def matches(self, record: EesRecord) -> bool:
        return bool(
            (self.old_la_code and record.old_la_code == self.old_la_code)
            or (self.new_la_code and record.new_la_code == self.new_la_code)
        )

    @property
    def code(self) -> str:
        return self.old_la_code or self.new_la_code

    def label(self, fallback_name: str = "") -> str:
        name = self.name or fallback_name
        return f"{name} ({self.code})" if name else self.code


CUMBRIA = Area("909", "E10000006", "Cumbria")
CUMBERLAND = Area("942", "E06000063", "Cumberland")
WESTMORLAND_AND_FURNESS = Area("943", "E06000064", "Westmorland and Furness")
FIRST_YEAR_AFTER_REORGANISATION = 2024  # the year ending 31 March 2024 (2023-24)
PARTNERSHIP_CODE = "CUMBRIA-PARTNERSHIP"
PARTNERSHIP_NAME = "Cumbria partnership area (Cumbria to 2022-23; Cumberland and Westmorland and Furness from 2023-24)"


@dataclass(frozen=True)
class Count:
    """A count: the combined figure is the sum of the parts."""

    measure: str


@dataclass(frozen=True)
class Rate:
    """numerator / denominator × per, from summed numerators and denominators.

    The denominator is either another measure of the same records (`denominator`, e.g. the CLA file's
    `population_estimate`) or the ONS population of children (`population`), taken for the year ending 31 March
    as DfE does (mid-year estimate of the June before).
    """

    numerator: str
    measure: str = "rate_per_10000"
    denominator: str | None = None
    population: Population | None = None
    per: int = 10_000
    places: int | None = 1

    def __post_init__(self) -> None:
        if (self.denominator is None) == (self.population is None):
            raise ValueError("A Rate needs either a denominator measure or a population, not both")


@dataclass(frozen=True)
class WeightedRate:
    """A rate per 10,000 children published without its counts (LAIT): each part's rate weighted by its children.

    Σ(rate × children) / Σ children is the rate worked out from the counts, rate × children / 10,000 being each
    part's count; only the published rates' rounding is carried over (LAIT rounds some to whole numbers, so the
    combined figure can be up to half a unit from one worked out from the counts). The children are the ONS
    estimate DfE divides by for that year (`population`).
    """

    measure: str
    population: Population
    places: int | None = 1


def Percentage(numerator: str, denominator: str, measure: str, places: int | None = 1) -> Rate:  # noqa: N802
    """numerator / denominator × 100, from summed numerators and denominators."""
    return Rate(numerator=numerator, measure=measure, denominator=denominator, per=100, places=places)


def _as_area(part: Area | str) -> Area:
    if isinstance(part, Area):
        return part
    return Area(old_la_code=part) if part.isdigit() else Area(old_la_code="", new_la_code=part)


def year_ending(time_period: str) -> int:
    """The calendar year in which a DfE year ending 31 March ends: "2024" → 2024; "202324" → 2024."""
    return int(time_period[:4]) + (1 if len(time_period) == 6 else 0)


_Key = tuple[str, str, tuple[tuple[str, str], ...]]


def combine_areas(
    records: Iterable[EesRecord],
    parts: Sequence[Area | str],
    *,
    into_code: str,
    into_name: str,
    kind: Count | Rate | WeightedRate,
) -> list[EesRecord]:
    """Combine the parts' records into one area's, per period and breakdown, as `kind` says.

    `parts` are `Area`s or LA codes (three-digit or new). Every period and breakdown for which any part has a
    record gives one combined record (measure `kind.measure`, `geographic_level` "Combined area",
    `new_la_code` = `into_code`), whose `note` shows the arithmetic or says why there is no figure.
    """
    areas = [_as_area(part) for part in parts]
    if isinstance(kind, Count | WeightedRate):
        wanted = {kind.measure}
    else:
        wanted = {kind.numerator} | ({kind.denominator} if kind.denominator else set())
    groups: dict[_Key, dict[int, dict[str, EesRecord]]] = {}
    for record in records:
        if record.measure not in wanted:
            continue
        for position, area in enumerate(areas):
            if area.matches(record):
                key = (record.time_period, record.time_identifier, record.filter_key)
                groups.setdefault(key, {}).setdefault(position, {})[record.measure] = record
                break
    combined = []
    for key, found in groups.items():
        names = {position: next(iter(by_measure.values())).area_name for position, by_measure in found.items()}
        labels = [area.label(names.get(position, "")) for position, area in enumerate(areas)]
        if isinstance(kind, Count):
            value, symbol, note = _sum(found, kind.measure, labels, len(areas))
        elif isinstance(kind, WeightedRate):
            value, symbol, note = _weighted(key[0], found, kind, areas, labels)
        else:
            value, symbol, note = _ratio(key[0], found, kind, areas, labels)
        sample = next(iter(next(iter(found.values())).values()))
        regions = {record.region_code for by_measure in found.values() for record in by_measure.values()}
        combined.append(
            EesRecord(
                time_period=key[0],
                time_identifier=key[1],
                geographic_level=COMBINED,
                country_code=sample.country_code,
                region_code=regions.pop() if len(regions) == 1 else "",
                new_la_code=into_code,
                old_la_code="",
                area_name=into_name,
                measure=kind.measure,
                value=value,
                symbol=symbol,
                filters=dict(key[2]),
                source=" + ".join(
                    sorted({record.source for by_measure in found.values() for record in by_measure.values()})
                ),
                row=None,
                note=note,
            )
        )
    return combined


def _parts(
    found: dict[int, dict[str, EesRecord]], measure: str, labels: list[str], count: int
) -> tuple[list[Decimal], list[str], set[str]]:
    values: list[Decimal] = []
    reasons: list[str] = []
    symbols: set[str] = set()
    for position in range(count):
        record = found.get(position, {}).get(measure)
        if record is None:
            reasons.append(f"{labels[position]} has no `{measure}` figure")
        elif record.value is None:
            reasons.append(f"{labels[position]} `{measure}` is {reason_for(record.symbol)}")
            if record.symbol:
                symbols.add(record.symbol)
        else:
            values.append(record.value)
    return values, reasons, symbols


def _no_figure(reasons: list[str], symbols: set[str]) -> tuple[None, str | None, str]:
    symbol = symbols.pop() if len(symbols) == 1 else None
    return None, symbol, "No combined figure: " + "; ".join(reasons) + "."


def _sum(
    found: dict[int, dict[str, EesRecord]], measure: str, labels: list[str], count: int
) -> tuple[Decimal | None, str | None, str]:
    values, reasons, symbols = _parts(found, measure, labels, count)
    if reasons:
        return _no_figure(reasons, symbols)
    total = sum(values, Decimal(0))
    shown = " + ".join(f"{label} {value}" for label, value in zip(labels, values, strict=True))
    return total, None, f"{shown} = {total}" if count > 1 else shown


def _ratio(
    time_period: str, found: dict[int, dict[str, EesRecord]], kind: Rate, areas: list[Area], labels: list[str]
) -> tuple[Decimal | None, str | None, str]:
    numerators, reasons, symbols = _parts(found, kind.numerator, labels, len(areas))
    if kind.denominator is not None:
        denominators, more, more_symbols = _parts(found, kind.denominator, labels, len(areas))
        reasons += more
        symbols |= more_symbols
        denominator_name = kind.denominator
    elif kind.population is not None:
        denominators, more = _children(time_period, kind.population, areas, labels)
        reasons += more
        denominator_name = "children aged 0-17 (ONS)"
    else:  # pragma: no cover - Rate.__post_init__ requires one of them
        raise ValueError("A Rate needs a denominator measure or a population")
    if reasons:
        return _no_figure(reasons, symbols)
    numerator = sum(numerators, Decimal(0))
    denominator = sum(denominators, Decimal(0))
    if denominator == 0:
        return None, None, f"No combined figure: the {denominator_name} adds up to zero."
    value = numerator / denominator * kind.per
    if kind.places is not None:
        value = value.quantize(Decimal(1).scaleb(-kind.places), rounding=ROUND_HALF_UP)
    top = " + ".join(str(number) for number in numerators)
    bottom = " + ".join(str(number) for number in denominators)
    if len(areas) > 1:
        top, bottom = f"({top})", f"({bottom})"
    note = f"{kind.numerator} {top} / {denominator_name} {bottom} × {kind.per:,} = {value} for {' and '.join(labels)}"
    return value, None, note


def _children(time_period: str, population: Population, areas: list[Area], labels: list[str]):
    estimates: list[Decimal] = []
    reasons: list[str] = []
    for area, label in zip(areas, labels, strict=True):
        estimate = None
        for code in (area.old_la_code, area.new_la_code):
            if code and estimate is None:
                estimate = population.denominator_for(time_period, code)
        if estimate is None:
            reasons.append(f"{label} has no ONS population estimate for the year before {time_period}")
        else:
            estimates.append(estimate)
    return estimates, reasons


def _weighted(
    time_period: str, found: dict[int, dict[str, EesRecord]], kind: WeightedRate, areas: list[Area], labels: list[str]
) -> tuple[Decimal | None, str | None, str]:
    rates, reasons, symbols = _parts(found, kind.measure, labels, len(areas))
    children, more = _children(time_period, kind.population, areas, labels)
    reasons += more
    if reasons:
        return _no_figure(reasons, symbols)
    total = sum(children, Decimal(0))
    if total == 0:
        return None, None, "No combined figure: the children aged 0-17 (ONS) add up to zero."
    value = sum((rate * count for rate, count in zip(rates, children, strict=True)), Decimal(0)) / total
    if kind.places is not None:
        value = value.quantize(Decimal(1).scaleb(-kind.places), rounding=ROUND_HALF_UP)
    parts = " + ".join(
        f"{label} {rate} × {count:,.0f}" for label, rate, count in zip(labels, rates, children, strict=True)
    )
    note = (
        f"{kind.measure} weighted by children aged 0-17 (ONS): ({parts}) / {total:,.0f} = {value}, from the "
        "published rates (rounded as published), as no counts are published"
    )
    return value, None, note


def cumbria_partnership(
    records: Iterable[EesRecord],
    kind: Count | Rate | WeightedRate,
    *,
    into_code: str = PARTNERSHIP_CODE,
    into_name: str = PARTNERSHIP_NAME,
) -> list[EesRecord]:
    """The demo partnership's series: Cumbria up to 2022-23, Cumberland + Westmorland and Furness from 2023-24.

    Both halves go through `combine_areas`, so a rate is recomputed from its numerator and denominator in every
    year (Cumbria's recomputed rate can differ from the published one by DfE's rounding to whole numbers).
    """
    records = list(records)
    before = [record for record in records if year_ending(record.time_period) < FIRST_YEAR_AFTER_REORGANISATION]
    after = [record for record in records if year_ending(record.time_period) >= FIRST_YEAR_AFTER_REORGANISATION]
    series = combine_areas(before, [CUMBRIA], into_code=into_code, into_name=into_name, kind=kind)
    series += combine_areas(
        after, [CUMBERLAND, WESTMORLAND_AND_FURNESS], into_code=into_code, into_name=into_name, kind=kind
    )
    return sorted(series, key=lambda record: (year_ending(record.time_period), sorted(record.filters.items())))
