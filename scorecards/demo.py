"""The demo partnership's scorecards, from the data files in scorecards/demo_data/.

Three scorecards (the partnership's main one, the Hub Programme Board's and the MET Strategy Group's), their
indicators with targets, milestones, three years of values, commentary and a challenge, made by
scripts/make_scorecard_demo.py (the local figures are invented, on the scale of the published ones); and the
comparators: the figures the DfE (and ONS) published for England, the North West, the partnership's authorities and
its statistical neighbours, in scorecards/demo_data/published/ (an extract of the published files made by
scripts/extract_published_figures.py, with sources.csv naming each release and its licence). They are imported
through the same importers as an upload, under the published file's name, so each value records the release it came
from as an import of that file would: importing the whole file later finds them unchanged, and a newer release
supersedes them.

Local values are placed relative to the last complete period when the demo is loaded (`periods_ago`), so a fresh
demo's scorecard is current. As every demo loader does, this one creates what is missing and never changes what
exists (cscp.demo_loading): a value, a commentary or a target someone changed stays as they left it, and a run in a
later month adds that month's values. The comparators are set up and imported only while the partnership has none:
after that they are whatever people have imported.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cscp.demo_loading import CHANGE_REASON, DemoDataError, DemoLoader, Row, shown
from cscp.sections import demo_loaders
from scorecards.imports import comparators
from scorecards.models import (
    DEFAULT_DIVERGENCE_TOLERANCE,
    Challenge,
    ChallengeResponse,
    Commentary,
    ComparatorMeasure,
    ComparatorSettings,
    Indicator,
    IndicatorMapping,
    IndicatorValue,
    Milestone,
    PublishedSource,
    Scorecard,
    ScorecardIndicator,
    Target,
)
from scorecards.periods import MONTHLY, QUARTERLY, Period
from scorecards.services import CUMBRIA_SPANS, INDICATOR_FIELDS, clean_row, comparator_setup

ANNUAL = "annual"
PUBLISHED = "published"
# published/sources.csv: each published file, the importer it goes through and the release it is.
SOURCE_COLUMNS = ("file", "kind", "publisher", "publication")
SOURCE_OPTIONAL = ("release", "published_on", "url", "licence")
# The order they are imported in: the population first (the rates are worked out from it), then the EES files
# (which name each authority with both its codes), a release before an
# older one (which only adds the years the newer one does not cover).
IMPORT_ORDER = ("ons", "ees", "sn2021", "lait")
LAIT_DICTIONARY = "lait_dictionary_key_measures.csv"
# indicators.csv: an indicator's fields as the indicator form edits them (its baseline and its first period are
# worked out from its first value), then the themes and scorecards it is on, and the published measure it maps to
# with the mapping's role.
OWN_FIELDS = tuple(
    name for name in INDICATOR_FIELDS if name not in ("baseline_value", "baseline_period", "first_period", "is_active")
)
INDICATOR_COLUMNS = (*OWN_FIELDS, "themes", "scorecards", "baseline_years_ago", "measure", "role")


def _decimal(row: Row, column: str) -> Decimal | None:
    try:
        return Decimal(row[column]) if row[column] else None
    except InvalidOperation:
        raise row.error("write a number", column) from None


def _latest_year(row: Row) -> int:
    """The latest year a release covers, from its name ("reporting year 2025"), so newer releases go first."""
    digits = [int(word) for word in row["release"].replace("-", " ").split() if word.isdigit()]
    return max(digits, default=0)


class ScorecardDemo(DemoLoader):
    name = "Scorecards"
    event = "scorecards.demo.seeded"
    data_dir = Path(__file__).resolve().parent / "demo_data"
    labels = {
        "comparator_value": "comparator value",
        "source": "published source",
        "scorecard": "scorecard",
        "indicator": "indicator",
        "entry": "scorecard entry",
        "mapping": "comparator mapping",
        "value": "value",
        "target": "target",
        "milestone": "milestone",
        "commentary": "commentary",
        "challenge": "challenge",
        "response": "challenge response",
    }

    def __init__(self, data_dir: Path | None = None, *, today=None):
        super().__init__(data_dir)
        # Each frequency's latest complete period when the demo is loaded: the files count back from it.
        today = today or timezone.localdate()
        self.latest = {frequency: Period.last_complete(frequency, today) for frequency in (MONTHLY, QUARTERLY, ANNUAL)}

    def period(self, row: Row, frequency: str) -> Period:
        return self.latest[frequency].offset(-row.integer("periods_ago"))

    def load(self) -> None:
        self.load_comparators()
        scorecards = self.load_scorecards()
        values = {}
        for row in self.rows("values.csv", ("code", "frequency", "periods_ago", "value", "numerator", "denominator")):
            values.setdefault(row["code"], []).append(row)
        indicators = self.load_indicators(scorecards, values)
        self.load_values(indicators, values)
        self.load_targets(indicators)
        self.load_commentary(indicators)

    def load_comparators(self) -> None:
        if ComparatorSettings.objects.filter(partnership_area__isnull=False).exists():
            return  # set up already: what has been imported since belongs to the people who imported it
        comparator_setup(
            actor=None,
            partnership_name="Cumbria Safeguarding Children Partnership area",
            region=("E12000002", "North West"),
            spans=CUMBRIA_SPANS,
            neighbours_of="909",
            neighbour_model_year=2021,
        )
        sources = self.rows(f"{PUBLISHED}/sources.csv", SOURCE_COLUMNS, SOURCE_OPTIONAL)
        for row in sources:
            if row["kind"] not in IMPORT_ORDER:
                raise row.error(f"write one of {', '.join(IMPORT_ORDER)}", "kind")
        ordered = sorted(sources, key=lambda row: (IMPORT_ORDER.index(row["kind"]), -_latest_year(row)))
        for row in ordered:
            self.import_published(row)
        self.load_sources(sources)

    def import_published(self, row: Row) -> None:
        """One published file, through the importer an upload of it would use, under its own name."""
        name = row["file"]
        path = self.files.path(f"{PUBLISHED}/{name}")
        content = path.read_bytes()
        kind = row["kind"]
        if kind == "ons":
            outcome = comparators.import_ons(content, file_name=name)
        elif kind == "ees":
            outcome = comparators.import_ees(content, file_name=name)
        elif kind == "sn2021":
            outcome = comparators.import_neighbours(content, year=2021, file_name=name)
        else:
            dictionary = self.files.path(f"{PUBLISHED}/{LAIT_DICTIONARY}").read_bytes()
            outcome = comparators.import_lait(content, dictionary, file_name=name, dictionary_name=LAIT_DICTIONARY)
        if outcome.problems:
            raise DemoDataError(f"{shown(path)}: {outcome.problems[0]}")
        if kind != "sn2021":
            self.created["comparator_value"] += outcome.created

    def load_sources(self, rows: list[Row]) -> None:
        existing = {source.file_name: source for source in PublishedSource.objects.all()}
        for row in rows:
            values = {
                "file_name": row["file"],
                "publisher": row["publisher"],
                "publication": row["publication"],
                "release": row["release"],
                "published_on": row.date("published_on", blank=True),
                "url": row["url"],
                "licence": row["licence"],
            }
            self.ensure("source", PublishedSource, existing, row["file"], values, row)

    def load_scorecards(self) -> dict[str, Scorecard]:
        existing = {s.slug: s for s in Scorecard.objects.all()}
        rows = self.rows("scorecards.csv", ("slug", "name", "frequency"), ("owner_group", "is_main", "description"))
        for order, row in enumerate(rows):
            values = {
                "slug": row["slug"],
                "name": row["name"],
                "owner_group": self.group(row, "owner_group", blank=True),
                "frequency": row["frequency"],
                "is_main": row.flag("is_main", default=False),
                "description": row["description"],
                "order": order,
            }
            self.ensure("scorecard", Scorecard, existing, row["slug"], values, row)
        return existing

    def load_indicators(self, scorecards: dict, values: dict[str, list[Row]]) -> dict[str, Indicator]:
        existing = {i.code: i for i in Indicator.objects.all()}
        measures = {m.code: m for m in ComparatorMeasure.objects.all()}
        required = ("code", "name")
        rows = self.rows("indicators.csv", required, tuple(c for c in INDICATOR_COLUMNS if c not in required))
        for order, row in enumerate(rows):
            cards = [
                row.find("scorecards", slug, scorecards, what="scorecard", file="scorecards.csv")
                for slug in row.names("scorecards")
            ]
            themes = self.themes(row, "themes")
            fields = {name: row[name] for name in OWN_FIELDS}
            fields.update(
                responsible_officer=self.person(row, "responsible_officer", blank=True),
                priority=self.priority(row, "priority"),
                amber_tolerance=_decimal(row, "amber_tolerance"),
                similar_band=_decimal(row, "similar_band"),
                divergence_tolerance=_decimal(row, "divergence_tolerance") or DEFAULT_DIVERGENCE_TOLERANCE,
                divergence_kind=row["divergence_kind"] or Indicator.DivergenceKind.RELATIVE,
                **self.baseline(row, values.get(row["code"], [])),
            )
            indicator, created = self.ensure("indicator", Indicator, existing, row["code"], fields, row)
            if not created:
                continue
            indicator.themes.set(themes)
            for scorecard in cards:
                self.create(
                    "entry", ScorecardIndicator, {"scorecard": scorecard, "indicator": indicator, "order": order}, row
                )
            if row["measure"] in measures:
                mapping = {"indicator": indicator, "measure": measures[row["measure"]]}
                mapping["role"] = row["role"] or IndicatorMapping.Role.BOTH
                self.create("mapping", IndicatorMapping, mapping, row)
        return existing

    def baseline(self, row: Row, values: list[Row]) -> dict:
        """The baseline is the first value held, and the indicator takes figures from its period on."""
        first = max(values, key=lambda value: value.integer("periods_ago"), default=None)
        if first is None:
            return {"baseline_period": "", "baseline_value": None, "first_period": ""}
        probe = Indicator(
            unit=row["unit"],
            numerator_definition=row["numerator_definition"],
            denominator_definition=row["denominator_definition"],
        )
        cleaned, _ = clean_row(probe, first.values)
        key = self.period(first, row["frequency"]).key
        return {"baseline_period": key, "baseline_value": cleaned.value if cleaned else None, "first_period": key}

    def load_values(self, indicators: dict[str, Indicator], values: dict[str, list[Row]]) -> None:
        existing = {(v.indicator_id, v.period_key) for v in IndicatorValue.objects.only("indicator_id", "period_key")}
        new = []
        now = timezone.now()
        for code, rows in values.items():
            indicator = rows[0].find("code", code, indicators, what="indicator", file="indicators.csv")
            for row in rows:
                period = self.period(row, indicator.frequency)
                self.claim("value", (indicator.pk, period.key), row)
                cleaned, errors = clean_row(indicator, row.values)
                if errors or cleaned is None:
                    column, messages = next(iter(errors.items()), ("value", ["give a value"]))
                    raise row.error(" ".join(messages), column if column in row.values else None)
                if (indicator.pk, period.key) in existing:
                    continue
                new.append(
                    IndicatorValue(
                        indicator=indicator,
                        period_key=period.key,
                        period_start=period.start,
                        period_end=period.end,
                        value=cleaned.value,
                        numerator=cleaned.numerator,
                        denominator=cleaned.denominator,
                        source=IndicatorValue.Source.ENTERED,
                        entered_by=indicator.responsible_officer,
                        entered_at=now,
                    )
                )
        # Three years of values for every indicator: one insert, not a thousand.
        if new:
            bulk_create_with_history(new, IndicatorValue, batch_size=500, default_change_reason=CHANGE_REASON)
            self.created["value"] += len(new)

    def load_targets(self, indicators: dict[str, Indicator]) -> None:
        current_year = self.latest[MONTHLY].year
        existing = {(t.indicator_id, t.financial_year): t for t in Target.objects.all()}
        for row in self.rows("targets.csv", ("code", "years_ago", "target")):
            indicator = row.lookup("code", indicators, what="indicator", file="indicators.csv")
            year = current_year - row.integer("years_ago")
            values = {"indicator": indicator, "financial_year": year, "value": _decimal(row, "target")}
            self.ensure("target", Target, existing, (indicator.pk, year), values, row)
        existing = {(m.indicator_id, m.period_key): m for m in Milestone.objects.all()}
        for row in self.rows("milestones.csv", ("code", "month_of_year", "milestone")):
            indicator = row.lookup("code", indicators, what="indicator", file="indicators.csv")
            key = Period(MONTHLY, current_year, row.integer("month_of_year")).key
            values = {"indicator": indicator, "period_key": key, "value": _decimal(row, "milestone")}
            self.ensure("milestone", Milestone, existing, (indicator.pk, key), values, row)

    def load_commentary(self, indicators: dict[str, Indicator]) -> None:
        existing = {(c.indicator_id, c.period_key): c for c in Commentary.objects.all()}
        for row in self.rows("commentary.csv", ("code", "periods_ago", "author", "text")):
            indicator = row.lookup("code", indicators, what="indicator", file="indicators.csv")
            key = self.period(row, indicator.frequency).key
            author = self.person(row, "author", blank=True) or indicator.responsible_officer
            values = {"indicator": indicator, "period_key": key, "text": row["text"], "author": author}
            self.ensure("commentary", Commentary, existing, (indicator.pk, key), values, row)
        existing = {(c.indicator_id, c.period_key, c.author_id): c for c in Challenge.objects.all()}
        columns = ("code", "periods_ago", "author", "text")
        for row in self.rows("challenges.csv", columns, ("response_author", "response")):
            indicator = row.lookup("code", indicators, what="indicator", file="indicators.csv")
            key = self.period(row, indicator.frequency).key
            author = self.person(row, "author")
            values = {"indicator": indicator, "period_key": key, "author": author, "text": row["text"]}
            challenge, created = self.ensure(
                "challenge", Challenge, existing, (indicator.pk, key, author.pk), values, row
            )
            responder = self.person(row, "response_author", blank=True)
            if created and responder is not None and row["response"]:
                values = {"challenge": challenge, "author": responder, "text": row["response"]}
                self.create("response", ChallengeResponse, values, row)


demo_loaders.append(ScorecardDemo)
