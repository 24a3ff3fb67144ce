"""Importing the DfE's published statistics (and ONS's population) as comparator values.

Every import reads its file with `scorecards.dfe` (which refuses a file with any problem, so nothing from it is
saved), picks the catalogue's measures the file carries, works out the partnership's own figure for each year from
the authorities that made up its area that year (`PartnershipArea`), and writes the values in one transaction:

- idempotent: a value that is already stored as it is counts as unchanged, so a second import changes nothing;
- revisions: a changed figure is updated and the earlier one stays in the value's history; a figure from an older
  release (a file whose latest year is earlier) never overwrites one from a newer release;
- a cell with no figure (a DfE symbol such as `c`) is stored with its symbol, so the page can say why, and is
  counted under "skipped" with its reason.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from scorecards import dfe
from scorecards.dfe.population import population_year
from scorecards.dfe.records import COMBINED, LOCAL_AUTHORITY, NATIONAL, REGIONAL, EesRecord
from scorecards.dfe.reorganisation import year_ending
from scorecards.dfe.symbols import reason_for
from scorecards.formatting import format_value
from scorecards.imports.catalogue import ONS_CHILDREN, ensure_catalogue
from scorecards.imports.outcome import DryRun, Outcome, Progress, no_progress
from scorecards.models import (
    Area,
    ComparatorMeasure,
    ComparatorSettings,
    ComparatorValue,
    Neighbour,
    NeighbourModel,
    PartnershipArea,
)
from scorecards.periods import Period

_PLACES = Decimal("0.0001")
LARGEST = Decimal(10) ** 12
HARMONISATIONS = (dfe.CLA_RELEASE_2024_AS_2025,)
LAIT_UNITS = {"rate_per_10000": "rate_per_10000", "percent": "percent", "number": "count"}

Key = tuple[int, int, str]  # measure id, area id, period key
Figure = tuple[Decimal | None, str, str]  # value, symbol, note


def _stored(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(_PLACES, rounding=ROUND_HALF_UP)


def as_file(data: bytes, name: str) -> io.BytesIO:
    """Bytes with a name, as the readers take an uploaded file."""
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


def dfe_period(time_period: str) -> Period:
    """The financial year a DfE "year ending 31 March" figure covers: "2024" and "202324" → FY2023-24."""
    return Period.for_financial_year(year_ending(time_period) - 1)


# Areas -------------------------------------------------------------------------------------------------


class Areas:
    """Every area by code, creating the ones a file names for the first time (inside the saving transaction)."""

    def __init__(self) -> None:
        self.by_code: dict[str, Area] = {area.code: area for area in Area.objects.all()}
        self.by_new_code: dict[str, Area] = {area.new_code: area for area in self.by_code.values() if area.new_code}

    @staticmethod
    def code_of(record: EesRecord) -> str:
        level = record.geographic_level.lower()
        if level == NATIONAL.lower():
            return record.country_code
        if level == REGIONAL.lower():
            return record.region_code
        return record.old_la_code or record.new_la_code

    def find(self, code: str) -> Area | None:
        return self.by_code.get(code) or self.by_new_code.get(code)

    def ensure(self, records: Iterable[EesRecord]) -> None:
        wanted: dict[str, Area] = {}
        regions: dict[str, str] = {}
        for record in records:
            code = self.code_of(record)
            level = record.geographic_level.lower()
            if not code or level == COMBINED.lower():
                continue
            if level == LOCAL_AUTHORITY.lower() and record.region_code:
                regions.setdefault(code, record.region_code)
            if code in wanted or self.find(code):
                continue
            if level == NATIONAL.lower():
                wanted[code] = Area(
                    code=code, new_code=code, name=record.area_name or "England", level=Area.Level.COUNTRY
                )
            elif level == REGIONAL.lower():
                wanted[code] = Area(code=code, new_code=code, name=record.area_name or code, level=Area.Level.REGION)
            else:
                wanted[code] = Area(
                    code=code, new_code=record.new_la_code, name=record.area_name or code, level=Area.Level.LA
                )
        self.add(wanted.values())
        self._link_regions(regions)

    def add(self, areas: Iterable[Area]) -> None:
        areas = list(areas)
        if not areas:
            return
        Area.objects.bulk_create(areas)
        for area in Area.objects.filter(code__in=[area.code for area in areas]):
            self.by_code[area.code] = area
            if area.new_code:
                self.by_new_code[area.new_code] = area

    def _link_regions(self, regions: dict[str, str]) -> None:
        changed = []
        for code, region_code in regions.items():
            area, region = self.find(code), self.find(region_code)
            if area is not None and region is not None and area.region_id is None:
                area.region = region
                changed.append(area)
        if changed:
            Area.objects.bulk_update(changed, ["region"])


# The partnership's area over time ----------------------------------------------------------------------


class PartnershipSpans:
    """Which authorities made up the partnership's area in each financial year (`PartnershipArea` rows)."""

    def __init__(self) -> None:
        settings = ComparatorSettings.objects.select_related("partnership_area").first()
        self.area: Area | None = settings.partnership_area if settings else None
        self.spans = list(PartnershipArea.objects.select_related("area"))

    def __bool__(self) -> bool:
        return self.area is not None and bool(self.spans)

    def parts(self, financial_year: int) -> list[Area]:
        return [span.area for span in self.spans if span.covers(financial_year)]

    def codes(self) -> set[str]:
        return {code for span in self.spans for code in (span.area.code, span.area.new_code) if code}

    @staticmethod
    def as_dfe_area(area: Area) -> dfe.Area:
        return dfe.Area(area.code if area.code.isdigit() else "", area.new_code, area.name)


class DbPopulation:
    """ONS children aged 0-17 as stored by the ONS import, answering as `dfe.Population` does."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[int, str], Decimal] = {}
        rows = ComparatorValue.objects.filter(measure__code=ONS_CHILDREN, value__isnull=False).values_list(
            "period_start", "area__code", "area__new_code", "value"
        )
        for start, code, new_code, value in rows:
            for key in {code, new_code} - {""}:
                self.by_key[(start.year, key)] = value

    def __bool__(self) -> bool:
        return bool(self.by_key)

    def denominator_for(self, time_period: str, code: str) -> Decimal | None:
        return self.by_key.get((population_year(time_period), code))


# Saving values -----------------------------------------------------------------------------------------


class ValueWriter:
    """Collects the figures an import gives, then writes them in one go with their history."""

    def __init__(self, *, outcome: Outcome, source_file: str, release_year: int | None, run=None, actor=None):
        self.outcome = outcome
        self.source_file = source_file[:300]
        self.release_year = release_year
        self.run = run
        self.actor = actor
        self.figures: dict[Key, Figure] = {}

    def add(self, measure: ComparatorMeasure, area: Area, period: Period, figure: Figure) -> None:
        value, symbol, note = figure
        if value is not None and abs(value) >= LARGEST:
            self.outcome.problem(
                None, measure.column, f"{value} for {area.name} in {period.label} is too large to store"
            )
            return
        if value is None and not symbol and not note:
            self.outcome.skip("blank cell: no figure given")
            return
        self.figures[(measure.pk, area.pk, period.key)] = (_stored(value), symbol or "", note)

    def write(self) -> None:
        outcome = self.outcome
        measure_ids = {key[0] for key in self.figures}
        existing = {
            (measure_id, area_id, key): (pk, value, symbol, note, release)
            for pk, measure_id, area_id, key, value, symbol, note, release in ComparatorValue.objects.filter(
                measure_id__in=measure_ids
            ).values_list("pk", "measure_id", "area_id", "period_key", "value", "symbol", "note", "release_year")
        }
        now = timezone.now()
        to_create: list[dict] = []
        to_update: dict[int, Figure] = {}
        periods: dict[str, Period] = {}
        run_id = self.run.pk if self.run is not None else None
        for key, (value, symbol, note) in self.figures.items():
            before = existing.get(key)
            if before is None:
                period = periods.get(key[2]) or periods.setdefault(key[2], Period.parse(key[2]))
                to_create.append(
                    {
                        "measure_id": key[0],
                        "area_id": key[1],
                        "period_key": key[2],
                        "period_start": period.start,
                        "period_end": period.end,
                        "value": value,
                        "symbol": symbol,
                        "note": note,
                        "source_file": self.source_file,
                        "release_year": self.release_year,
                        "import_run_id": run_id,
                        "updated_at": now,
                    }
                )
                if value is None:
                    outcome.skip(_no_figure(symbol, note))
                else:
                    outcome.created += 1
                continue
            pk, old_value, old_symbol, old_note, old_release = before
            if (_stored(old_value), old_symbol, old_note) == (value, symbol, note):
                if value is None:
                    outcome.skip(_no_figure(symbol, note))
                else:
                    outcome.unchanged += 1
                continue
            if old_release and self.release_year and old_release > self.release_year:
                outcome.skip(f"a later release (to {old_release - 1}-{str(old_release)[2:]}) already gives this figure")
                continue
            to_update[pk] = (value, symbol, note)
            if value is None and old_value is None:
                outcome.skip(_no_figure(symbol, note))
            else:
                outcome.updated += 1
        reason = f"Imported from {self.source_file}"[:100]
        _insert(to_create)
        if to_update:
            self._revise(to_update, now, reason)

    def _revise(self, to_update: dict[int, Figure], now, reason: str) -> None:
        """Update revised figures, keeping the earlier figure in the value's history.

        A value's history starts at its first revision (a first import writes no history rows, which keeps a
        large import fast): the earlier figure is recorded as created when it was imported, then the change.
        """
        changed = list(ComparatorValue.objects.filter(pk__in=to_update))
        recorded = set(ComparatorValue.history.filter(id__in=to_update).values_list("id", flat=True).distinct())
        first = [item for item in changed if item.pk not in recorded]
        for item in first:
            item._history_date = item.updated_at
        ComparatorValue.history.bulk_history_create(first, batch_size=500, default_change_reason="Imported")
        for item in first:
            del item._history_date
        for item in changed:
            item.value, item.symbol, item.note = to_update[item.pk]
            item.source_file, item.release_year, item.import_run, item.updated_at = (
                self.source_file,
                self.release_year,
                self.run,
                now,
            )
        _update(changed)
        ComparatorValue.history.bulk_history_create(
            changed,
            batch_size=500,
            update=True,
            default_user=self.actor,
            default_change_reason=reason,
            default_date=now,
        )


_REVISED = ("value", "symbol", "note", "source_file", "release_year", "import_run_id", "updated_at")


def _update(values: list[ComparatorValue]) -> None:
    """Write revised figures with one prepared statement (the ORM's bulk_update builds a huge CASE per field)."""
    ops = connection.ops
    assignments = ", ".join(f"{ops.quote_name(name)} = %s" for name in _REVISED)
    # Table and column names come from the model's metadata, never from input.
    sql = f"UPDATE {ops.quote_name(ComparatorValue._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608  # nosec B608
    rows = [
        [
            None if item.value is None else ops.adapt_decimalfield_value(item.value, 16, 4),
            item.symbol,
            item.note,
            item.source_file,
            item.release_year,
            item.import_run_id,
            ops.adapt_datetimefield_value(item.updated_at),
            item.pk,
        ]
        for item in values
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert(values: list[dict]) -> None:
    """Insert new values with one prepared statement: the ORM's bulk_create costs seconds for tens of thousands."""
    if not values:
        return
    ops = connection.ops
    fields = [field for field in ComparatorValue._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model's metadata, never from input.
    sql = f"INSERT INTO {ops.quote_name(ComparatorValue._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608  # nosec B608
    adapters = {}
    for field in fields:
        kind = field.get_internal_type()
        if kind == "DateField":
            adapters[field.attname] = ops.adapt_datefield_value
        elif kind == "DateTimeField":
            adapters[field.attname] = ops.adapt_datetimefield_value
        elif kind == "DecimalField":
            adapters[field.attname] = lambda value, f=field: ops.adapt_decimalfield_value(
                value, f.max_digits, f.decimal_places
            )
    cached: dict = {}

    def adapted(name: str, value):
        adapt = adapters.get(name)
        if adapt is None or value is None:
            return value
        key = (name, value)
        if key not in cached:
            cached[key] = adapt(value)
        return cached[key]

    names = [field.attname for field in fields]
    rows = [[adapted(name, item[name]) for name in names] for item in values]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start : start + 2000])


def _no_figure(symbol: str, note: str) -> str:
    if symbol:
        return f"no figure published: {reason_for(symbol)}"
    if note.startswith(NOT_COMBINED):
        return "no combined figure for the partnership: the parts' figures are published without their counts"
    return "no combined figure for the partnership: a part has no figure"


# Explore Education Statistics files --------------------------------------------------------------------


def _looks_like_ees(data: bytes) -> bool:
    head = data[:2000].decode("utf-8", errors="ignore").lower()
    return all(name in head for name in ("time_period", "time_identifier", "geographic_level"))


def _harmonise(table: dfe.EesTable) -> list[EesRecord]:
    for harmonisation in HARMONISATIONS:
        if set(harmonisation.filters) & set(table.filters) or set(harmonisation.measures) & set(table.measures):
            return harmonisation.apply(table.records)
    return table.records


def _matches(record: EesRecord, filters: dict) -> bool:
    return all(record.filters.get(name) == value for name, value in filters.items())


def _kind(measure: ComparatorMeasure, population) -> dfe.Count | dfe.Rate | None:
    combine = ComparatorMeasure.Combine
    if measure.combine == combine.SUM:
        return dfe.Count(measure.column)
    if measure.combine == combine.RATE and measure.numerator_column and measure.denominator_column:
        return dfe.Rate(
            measure.numerator_column,
            measure=measure.column,
            denominator=measure.denominator_column,
            per=measure.per,
            places=measure.places,
        )
    if measure.combine == combine.POPULATION_RATE and measure.numerator_column and population:
        return dfe.Rate(
            measure.numerator_column,
            measure=measure.column,
            population=population,
            per=measure.per,
            places=measure.places,
        )
    if measure.combine == combine.POPULATION_WEIGHTED and population:
        return dfe.WeightedRate(measure.column, population=population, places=measure.places)
    return None


def _measures_in(table_measures: Sequence[str], table_filters: Sequence[str], kinds: Iterable[str]):
    found = []
    for measure in ComparatorMeasure.objects.filter(source_kind__in=list(kinds)).order_by("code"):
        if not set(measure.filters) <= set(table_filters):
            continue
        if measure.column in table_measures:
            found.append((measure, False))
        elif (
            measure.combine == ComparatorMeasure.Combine.POPULATION_RATE and measure.numerator_column in table_measures
        ):
            found.append((measure, True))
    return found


def _partnership_figures(
    records: list[EesRecord], measure: ComparatorMeasure, spans: PartnershipSpans, population, period_of
) -> list[tuple[Period, Figure]]:
    """The partnership's own figure per year, from the authorities that made up its area that year."""
    codes = spans.codes()
    mine = [record for record in records if record.old_la_code in codes or record.new_la_code in codes]
    by_year: dict[int, list[EesRecord]] = defaultdict(list)
    for record in mine:
        by_year[period_of(record.time_period).year].append(record)
    kind = _kind(measure, population)
    figures = []
    for year, found in sorted(by_year.items()):
        parts = spans.parts(year)
        if not parts:
            continue
        period = Period.for_financial_year(year)
        if kind is None or (isinstance(kind, dfe.WeightedRate) and len(parts) == 1):
            # A published rate without its counts: while one authority covered the whole area its figure is the
            # partnership's; after that the rates are weighted by children (above) or the page says why there is none.
            if len(parts) == 1:
                own = next(
                    (
                        r
                        for r in found
                        if r.measure == measure.column and PartnershipSpans.as_dfe_area(parts[0]).matches(r)
                    ),
                    None,
                )
                if own is not None:
                    figures.append((period, (own.value, own.symbol or "", f"{parts[0].name}'s published figure")))
            else:
                figures.append((period, (None, "", _not_combined(found, measure, parts, population, period))))
            continue
        combined = dfe.combine_areas(
            found,
            [PartnershipSpans.as_dfe_area(area) for area in parts],
            into_code=spans.area.code,
            into_name=spans.area.name,
            kind=kind,
        )
        for record in combined:
            figures.append((period, (record.value, record.symbol or "", record.note)))
    return figures


NOT_COMBINED = "No figure for the partnership's area: "


def _not_combined(
    found: list[EesRecord], measure: ComparatorMeasure, parts: list[Area], population, period: Period
) -> str:
    """Why the parts' figures for a year give no figure for the partnership's area, naming the parts' figures."""
    figures: list[str] = []
    missing: list[str] = []
    for area in parts:
        own = next(
            (r for r in found if r.measure == measure.column and PartnershipSpans.as_dfe_area(area).matches(r)), None
        )
        if own is None or own.value is None:
            missing.append(area.name)
        else:
            figures.append(f"{area.name} {format_value(own.value, measure.unit)}")
    if missing:
        names = " and ".join([", ".join(missing[:-1]), missing[-1]] if len(missing) > 1 else missing)
        return f"{NOT_COMBINED}{names} {'has' if len(missing) == 1 else 'have'} no figure for {period.label}."
    shown = ", ".join(figures)
    by_population = (ComparatorMeasure.Combine.POPULATION_RATE, ComparatorMeasure.Combine.POPULATION_WEIGHTED)
    if measure.combine in by_population and not population:
        return (
            f"{NOT_COMBINED}each authority's rate is published ({shown}), but combining them needs the ONS population "
            "of children: import it, then this file again."
        )
    if measure.unit == "percent":
        return (
            f"{NOT_COMBINED}only each authority's percentage is published ({shown}), not the numbers behind it, so "
            "they cannot be combined: an average would count a small authority as much as a large one."
        )
    return (
        f"{NOT_COMBINED}only each authority's figure is published ({shown}), not the numbers behind it, so they "
        "cannot be combined."
    )


def _computed_rates(
    records: list[EesRecord], measure: ComparatorMeasure, population: DbPopulation, outcome: Outcome
) -> list[tuple[EesRecord, Figure]]:
    """A rate DfE does not publish in this file, for every area: numerator ÷ ONS children × per."""
    results = []
    step = Decimal(1).scaleb(-(measure.places if measure.places is not None else 4))
    for record in records:
        if record.measure != measure.numerator_column:
            continue
        if record.value is None:
            results.append((record, (None, record.symbol or "", "")))
            continue
        estimate = None
        for code in (record.old_la_code, record.new_la_code, record.area_code):
            if code and estimate is None:
                estimate = population.denominator_for(record.time_period, code)
        if not estimate:
            outcome.skip(f"no ONS population estimate for {measure.name.lower()}: import the ONS file first")
            continue
        value = (record.value / estimate * measure.per).quantize(step, rounding=ROUND_HALF_UP)
        results.append((record, (value, "", "")))
    return results


def import_ees(
    data: bytes,
    *,
    file_name: str,
    outcome: Outcome | None = None,
    apply: bool = True,
    run=None,
    actor=None,
    progress: Progress = no_progress,
) -> Outcome:
    """An Explore Education Statistics CSV (or Excel) file: every catalogue measure it carries."""
    outcome = outcome or Outcome()
    table = dfe.read_table(as_file(data, file_name), file_name)
    outcome.rows_read = table.rows_read
    if not table.ok:
        outcome.add_problems(table.problems)
        if not _looks_like_ees(data):
            outcome.problem(
                None,
                None,
                "This does not look like an Explore Education Statistics file (its header has no time_period, "
                "time_identifier and geographic_level): check you chose the right file and the right kind.",
            )
        return outcome
    progress(table.rows_read // 3, table.rows_read)
    ensure_catalogue()
    records = _harmonise(table)
    table_measures = sorted({record.measure for record in records})
    table_filters = sorted({name for record in records for name in record.filters})
    kinds = [ComparatorMeasure.SourceKind.EES]
    is_ons = any(name == "age_group" for name in table_filters) and table_measures == ["population_estimate"]
    if is_ons:
        outcome.problem(
            None,
            None,
            "This is the ONS population file: choose \u201cONS population estimates\u201d and upload it again.",
        )
        return outcome
    matched = _measures_in(table_measures, table_filters, kinds)
    if not matched:
        outcome.problem(
            None,
            None,
            "None of this file's columns is a measure the scorecards use "
            f"({', '.join(table_measures) or 'no measures'}): check you chose the right file and the right kind.",
        )
        return outcome
    used = {measure.column for measure, derived in matched if not derived} | {
        column for measure, _ in matched for column in (measure.numerator_column, measure.denominator_column) if column
    }
    unused = [name for name in table_measures if name not in used]
    if unused:
        outcome.notes.append(f"Columns not used by any measure: {', '.join(unused)}.")
    release_year = max((year_ending(record.time_period) for record in records), default=None)
    _save(records, matched, outcome, file_name, release_year, apply=apply, run=run, actor=actor, period_of=dfe_period)
    progress(table.rows_read, table.rows_read)
    return outcome


def _save(records, matched, outcome, file_name, release_year, *, apply, run, actor, period_of) -> None:
    try:
        with transaction.atomic():
            areas = Areas()
            areas.ensure(records)
            spans = PartnershipSpans()
            by_population = (ComparatorMeasure.Combine.POPULATION_RATE, ComparatorMeasure.Combine.POPULATION_WEIGHTED)
            population = DbPopulation() if any(m.combine in by_population for m, _ in matched) else None
            writer = ValueWriter(
                outcome=outcome, source_file=file_name, release_year=release_year, run=run, actor=actor
            )
            for measure, derived in matched:
                relevant = [record for record in records if _matches(record, measure.filters)]
                if derived:
                    pairs = _computed_rates(relevant, measure, population or DbPopulation(), outcome)
                else:
                    pairs = [
                        (record, (record.value, record.symbol or "", ""))
                        for record in relevant
                        if record.measure == measure.column
                    ]
                seen: dict[tuple[int, str], int | None] = {}
                for record, figure in pairs:
                    area = areas.find(areas.code_of(record))
                    if area is None:
                        outcome.skip("an area without a code")
                        continue
                    period = period_of(record.time_period)
                    key = (area.pk, period.key)
                    if key in seen:
                        outcome.problem(
                            record.row,
                            measure.column,
                            f"{record.describe_area()} has more than one {measure.column} for {period.label}: "
                            f"the file has a breakdown the measure does not pick (also row {seen[key]})",
                        )
                        continue
                    seen[key] = record.row
                    writer.add(measure, area, period, figure)
                if spans:
                    for period, figure in _partnership_figures(relevant, measure, spans, population, period_of):
                        writer.add(measure, spans.area, period, figure)
            if outcome.problems:
                raise DryRun
            writer.write()
            if not apply:
                raise DryRun
    except DryRun:
        pass


# ONS population ----------------------------------------------------------------------------------------


def import_ons(
    data: bytes,
    *,
    file_name: str,
    outcome: Outcome | None = None,
    apply: bool = True,
    run=None,
    actor=None,
    progress: Progress = no_progress,
) -> Outcome:
    """ONS mid-year estimates of children aged 0 to 17: the denominators of per-10,000 rates."""
    outcome = outcome or Outcome()
    population = dfe.read_ons_population(as_file(data, file_name))
    if not population.ok:
        outcome.add_problems(population.problems)
        return outcome
    outcome.rows_read = len(population.records)
    measures = ensure_catalogue()
    measure = measures[ONS_CHILDREN]
    release_year = max((int(record.time_period[:4]) + 1 for record in population.records), default=None)

    def period_of(time_period: str) -> Period:
        # The mid-2023 estimate is the denominator for the year ending 31 March 2024.
        return Period.for_financial_year(int(time_period[:4]))

    _save(
        population.records,
        [(measure, False)],
        outcome,
        file_name,
        release_year,
        apply=apply,
        run=run,
        actor=actor,
        period_of=period_of,
    )
    progress(outcome.rows_read, outcome.rows_read)
    return outcome


# LAIT --------------------------------------------------------------------------------------------------


def _lait_measures(infos: dict) -> dict[str, ComparatorMeasure]:
    """A comparator measure for each LAIT measure, with LAIT's polarity and unit."""
    existing = {m.column: m for m in ComparatorMeasure.objects.filter(source_kind=ComparatorMeasure.SourceKind.LAIT)}
    for code, info in infos.items():
        unit = LAIT_UNITS.get(info.unit, "count")
        fields = {
            "name": info.name[:300],
            "unit": unit,
            "polarity": info.polarity if info.polarity in ("higher", "lower", "none") else "none",
            "description": info.description,
            # LAIT publishes rates and percentages without their counts. A rate per 10,000 children can still be
            # combined for a reorganised area, weighted by each authority's children; a percentage cannot.
            "combine": ComparatorMeasure.Combine.POPULATION_WEIGHTED
            if unit == "rate_per_10000"
            else ComparatorMeasure.Combine.NONE,
        }
        measure = existing.get(code)
        if measure is None:
            existing[code] = ComparatorMeasure.objects.create(
                code=f"lait-{slugify(code)}"[:100],
                source_kind=ComparatorMeasure.SourceKind.LAIT,
                column=code,
                file_pattern="lait",
                **fields,
            )
        elif any(getattr(measure, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(measure, name, value)
            measure.save()
    return existing


def import_lait(
    extract: bytes,
    dictionary: bytes | None,
    *,
    file_name: str,
    dictionary_name: str = "dictionary.csv",
    outcome: Outcome | None = None,
    apply: bool = True,
    run=None,
    actor=None,
    progress: Progress = no_progress,
) -> Outcome:
    """The LAIT extract with its dictionary (which gives each measure's polarity and unit)."""
    outcome = outcome or Outcome()
    if not dictionary:
        outcome.problem(None, None, "Upload LAIT's data dictionary with the extract: it gives each measure's polarity")
        return outcome
    lookup = {area.code: (area.new_code, area.name) for area in Area.objects.filter(level=Area.Level.LA)}
    table = dfe.read_lait(as_file(extract, file_name), as_file(dictionary, dictionary_name), la_lookup=lookup)
    outcome.rows_read = table.rows_read
    if not table.ok:
        outcome.add_problems(table.problems)
        return outcome
    release_year = max((year_ending(record.time_period) for record in table.records), default=None)
    try:
        with transaction.atomic():
            measures = _lait_measures(table.measures)
            matched = [(measures[code], False) for code in sorted(table.measures) if code in measures]
            # LAIT's years end on 31 March, whatever its year type says.
            _save(
                table.records,
                matched,
                outcome,
                file_name,
                release_year,
                apply=apply,
                run=run,
                actor=actor,
                period_of=lambda time_period: Period.for_financial_year(int(time_period[:4]) - 1),
            )
            if not apply or outcome.problems:
                raise DryRun
    except DryRun:
        pass
    progress(outcome.rows_read, outcome.rows_read)
    return outcome


# Statistical neighbours --------------------------------------------------------------------------------


def import_neighbours(
    data: bytes,
    *,
    year: int,
    file_name: str,
    outcome: Outcome | None = None,
    apply: bool = True,
    run=None,
    actor=None,
    progress: Progress = no_progress,
) -> Outcome:
    """A statistical-neighbour model (2021 or 2025): each authority's ten neighbours, closest first."""
    outcome = outcome or Outcome()
    lookup = {area.code: (area.new_code, area.name) for area in Area.objects.filter(level=Area.Level.LA)}
    reader = dfe.read_sn_2021 if year == 2021 else dfe.read_sn_2025
    model = reader(as_file(data, file_name), la_lookup=lookup)
    if model.problems:
        outcome.add_problems(model.problems)
        return outcome
    if not model.groups:
        outcome.problem(None, None, "The file has no statistical neighbours: check you chose the right file")
        return outcome
    outcome.rows_read = len(model.groups)
    try:
        with transaction.atomic():
            stored_model, _ = NeighbourModel.objects.get_or_create(
                year=year, defaults={"name": f"Statistical neighbours ({year} model)", "source_file": file_name}
            )
            areas = Areas()
            missing: dict[str, Area] = {}
            for group in model.groups.values():
                for code, new_code, name in [
                    (group.old_la_code, group.new_la_code, group.name),
                    *[(n.old_la_code, n.new_la_code, n.name) for n in group.neighbours],
                ]:
                    if code and not areas.find(code) and code not in missing:
                        missing[code] = Area(
                            code=code,
                            new_code=new_code or "",
                            name=name or code,
                            level=Area.Level.LA,
                            is_active=group.current,
                        )
            areas.add(missing.values())
            existing: dict[int, list[tuple[int, str]]] = defaultdict(list)
            for area_id, neighbour_id, closeness in (
                Neighbour.objects.filter(model=stored_model)
                .order_by("area_id", "position")
                .values_list("area_id", "neighbour_id", "closeness")
            ):
                existing[area_id].append((neighbour_id, closeness))
            replace_for: list[int] = []
            new_rows: list[Neighbour] = []
            for group in model.groups.values():
                area = areas.find(group.old_la_code)
                wanted = []
                for neighbour in sorted(group.neighbours, key=lambda item: item.rank):
                    other = areas.find(neighbour.old_la_code)
                    if other is None:
                        outcome.skip("a neighbour without a DfE LA number")
                        continue
                    wanted.append((other.pk, neighbour.closeness or ""))
                before = existing.get(area.pk, [])
                if before == wanted:
                    outcome.unchanged += len(wanted)
                    continue
                if before:
                    replace_for.append(area.pk)
                    outcome.updated += len(wanted)
                else:
                    outcome.created += len(wanted)
                new_rows.extend(
                    Neighbour(
                        model=stored_model, area=area, neighbour_id=other_id, position=position, closeness=closeness
                    )
                    for position, (other_id, closeness) in enumerate(wanted, start=1)
                )
            Neighbour.objects.filter(model=stored_model, area_id__in=replace_for).delete()
            Neighbour.objects.bulk_create(new_rows)
            if not apply:
                raise DryRun
    except DryRun:
        pass
    progress(outcome.rows_read, outcome.rows_read)
    return outcome
