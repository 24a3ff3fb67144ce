"""Performance scorecards: indicators, their values, targets and commentary, and the DfE comparators.

Periods are stored as `scorecards.periods.Period` keys ("2025-04", "FY2025-26-Q1", "FY2025-26") with the
period's first and last day beside them, so the database can order and filter by date while the key stays the
one name for a period everywhere (URLs, imports, snapshots). DfE's annual figures ("year ending 31 March 2024")
are stored under the financial year they cover ("FY2023-24").

Values, targets, commentary and comparator values keep their history (django-simple-history): a correction or a
later DfE release replaces the figure shown but the earlier one stays readable.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cscp import limits
from cscp.limits import limited_text
from scorecards import judgements
from scorecards.periods import ANNUAL, MONTHLY, QUARTERLY, Period

# Large enough for counts in the hundreds of thousands, precise enough for recomputed rates.
_DIGITS = {"max_digits": 16, "decimal_places": 4}
# Our local figure for a year may differ from our published one by this much (percent of the published figure)
# before the indicator page warns: local counting and DfE's validated return rarely agree exactly, and a tenth
# apart is where a reader should ask which is right (docs/scorecards.md, "Local and published figures").
DEFAULT_DIVERGENCE_TOLERANCE = Decimal(10)


def _period_or_error(key: str) -> Period:
    try:
        return Period.parse(key)
    except ValueError as error:
        raise ValidationError({"period_key": str(error)}) from error


class PeriodFields(models.Model):
    """A period key with its first and last day, filled in from the key on save."""

    period_key = models.CharField("period", max_length=20)
    period_start = models.DateField(editable=False)
    period_end = models.DateField(editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_period_dates()
        super().save(*args, **kwargs)

    @property
    def period(self) -> Period:
        return Period.parse(self.period_key)

    def fill_period_dates(self) -> None:
        period = _period_or_error(self.period_key)
        self.period_start = period.start
        self.period_end = period.end


class Unit(models.TextChoices):
    PERCENT = judgements.PERCENT, "Percentage"
    RATE_PER_10000 = judgements.RATE_PER_10000, "Rate per 10,000 children"
    COUNT = judgements.COUNT, "Count"
    DAYS = judgements.DAYS, "Days"
    RATIO = judgements.RATIO, "Ratio"


class Polarity(models.TextChoices):
    HIGHER = judgements.HIGHER, "Higher is better"
    LOWER = judgements.LOWER, "Lower is better"
    NONE = judgements.NONE, "Neither: read in context"


class Frequency(models.TextChoices):
    MONTHLY = MONTHLY, "Monthly"
    QUARTERLY = QUARTERLY, "Quarterly"
    ANNUAL = ANNUAL, "Annual"


class Scorecard(models.Model):
    """A set of indicators a group reviews: the partnership's main scorecard, or a subgroup's or board's."""

    name = models.CharField(max_length=limits.TITLE, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    owner_group = models.ForeignKey(
        "cscp.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scorecards",
        help_text="The group that reviews this scorecard, for example the Business Group",
    )
    description = limited_text(limits.SHORT_TEXT, blank=True)
    frequency = models.CharField(
        max_length=20,
        choices=[(MONTHLY, "Monthly"), (QUARTERLY, "Quarterly")],
        default=MONTHLY,
        help_text="How often the scorecard is reported",
    )
    is_main = models.BooleanField("the partnership's main scorecard", default=False)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("active", default=True)
    indicators = models.ManyToManyField("Indicator", through="ScorecardIndicator", related_name="scorecards")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_main", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_main"], condition=Q(is_main=True), name="one_main_scorecard")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        try:
            return reverse("scorecards:scorecard-detail", args=[self.slug])
        except NoReverseMatch:
            return ""


class Indicator(models.Model):
    class Area(models.TextChoices):
        THRESHOLDS = "thresholds", "Numbers at each threshold"
        TIMELINESS = "timeliness", "Timeliness"
        OUTCOMES = "outcomes", "Outcomes"

    class Aggregation(models.TextChoices):
        # How months add up to a quarter or year, for the quarterly values shown for earlier years.
        FLOW = "flow", "Added up over the period (for example, referrals received)"
        SNAPSHOT = "snapshot", "The position at the period's end (for example, children on a plan)"
        AVERAGE = "average", "The average over the period (for example, average days to complete)"

    class ToleranceKind(models.TextChoices):
        ABSOLUTE = judgements.ABSOLUTE, "In the indicator's unit"
        RELATIVE = judgements.RELATIVE, "Percentage of the target"

    class DivergenceKind(models.TextChoices):
        # The same two kinds as the amber tolerance, measured from the published figure rather than the target.
        ABSOLUTE = judgements.ABSOLUTE, "In the indicator's unit (percentage points for a percentage)"
        RELATIVE = judgements.RELATIVE, "Percent of the published figure"

    code = models.CharField(max_length=limits.CODE, unique=True, help_text="A short reference, for example CSC01")
    name = models.CharField(max_length=limits.LONG_TITLE)
    definition = limited_text(limits.SHORT_TEXT, blank=True)
    numerator_definition = limited_text(limits.SHORT_TEXT, blank=True)
    denominator_definition = limited_text(limits.SHORT_TEXT, blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    area = models.CharField(max_length=20, choices=Area.choices)
    aggregation = models.CharField(
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SNAPSHOT,
        help_text="How monthly values make up a quarter; percentages and rates are recomputed from their counts",
    )
    source = models.CharField(max_length=limits.TITLE, blank=True, help_text="Where the figures come from")
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_indicators",
        help_text="Enters the values and the commentary",
    )
    priority = models.ForeignKey(
        "cscp.Priority", on_delete=models.SET_NULL, null=True, blank=True, related_name="indicators"
    )
    themes = models.ManyToManyField("cscp.Theme", blank=True, related_name="indicators")
    baseline_value = models.DecimalField(**_DIGITS, null=True, blank=True)
    baseline_period = models.CharField(max_length=20, blank=True, help_text="A period key, for example FY2024-25")
    first_period = models.CharField(
        max_length=20,
        blank=True,
        help_text=(
            "The first period it takes figures for, as a key of its own frequency (2023-04, FY2023-24-Q1 or "
            "FY2023-24). Blank: from its earliest figure, or two years before the latest complete period, "
            "whichever is earlier"
        ),
    )
    amber_tolerance = models.DecimalField(
        **_DIGITS,
        null=True,
        blank=True,
        help_text="How far short of the target is amber rather than red; blank for no amber",
    )
    tolerance_kind = models.CharField(max_length=10, choices=ToleranceKind.choices, default=ToleranceKind.ABSOLUTE)
    similar_band = models.DecimalField(
        **_DIGITS,
        null=True,
        blank=True,
        help_text="A difference from a comparator within this band (in the indicator's unit) counts as similar",
    )
    divergence_tolerance = models.DecimalField(
        "local and published tolerance",
        **_DIGITS,
        default=DEFAULT_DIVERGENCE_TOLERANCE,
        validators=[MinValueValidator(0)],
        help_text="How far our local figure for a year may be from our published figure for the same year before "
        "the indicator page warns, in the unit chosen below",
    )
    divergence_kind = models.CharField(
        "local and published tolerance is",
        max_length=10,
        choices=DivergenceKind.choices,
        default=DivergenceKind.RELATIVE,
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    def get_absolute_url(self) -> str:
        try:
            return reverse("scorecards:indicator-detail", args=[self.code])
        except NoReverseMatch:
            return ""

    @property
    def has_counts(self) -> bool:
        """A percentage or rate with a numerator and denominator: the value is computed from them."""
        return bool(self.numerator_definition and self.denominator_definition) and self.unit in (
            Unit.PERCENT,
            Unit.RATE_PER_10000,
            Unit.RATIO,
        )

    def clean(self) -> None:
        if self.baseline_period:
            try:
                Period.parse(self.baseline_period)
            except ValueError as error:
                raise ValidationError({"baseline_period": str(error)}) from error
        if self.first_period:
            try:
                first = Period.parse(self.first_period)
            except ValueError as error:
                raise ValidationError({"first_period": str(error)}) from error
            if self.frequency in Frequency.values and first.frequency != self.frequency:
                example = Period.last_complete(self.frequency, timezone.localdate()).key
                raise ValidationError(
                    {"first_period": f"Enter a {self.get_frequency_display().lower()} period, like {example}"}
                )


class ScorecardIndicator(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="scorecard_entries")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scorecard", "order", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "indicator"], name="indicator_once_per_scorecard")]

    def __str__(self) -> str:
        return f"{self.scorecard}: {self.indicator.code}"


class Target(models.Model):
    """The target for a financial year ("realistic but stretching"); `financial_year` 2025 is 2025-26."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts in")
    value = models.DecimalField(**_DIGITS)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "financial_year"], name="one_target_per_indicator_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} target {self.period.financial_year_label}"

    @property
    def period(self) -> Period:
        return Period.for_financial_year(self.financial_year)

    @property
    def period_key(self) -> str:
        return self.period.key


class Milestone(PeriodFields):
    """A step on the way to the year's target, for a month or quarter within it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="milestones")
    value = models.DecimalField(**_DIGITS)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_key"], name="one_milestone_per_indicator_period")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} milestone {self.period_key}"


class IndicatorValue(PeriodFields):
    """The partnership's own figure for a period: entered in the browser or imported from a file."""

    class Source(models.TextChoices):
        ENTERED = "entered", "Entered"
        IMPORTED = "imported", "Imported from a file"
        DFE = "dfe", "DfE published statistics"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(**_DIGITS)
    numerator = models.DecimalField(**_DIGITS, null=True, blank=True)
    denominator = models.DecimalField(**_DIGITS, null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ENTERED)
    import_run = models.ForeignKey("ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_key"], name="one_value_per_indicator_period")
        ]
        indexes = [models.Index(fields=["indicator", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_key}: {self.value}"


class Commentary(PeriodFields):
    """The responsible officer's account of a period: required when the indicator is red."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="commentaries")
    text = limited_text(limits.COMMENT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start"]
        verbose_name_plural = "commentaries"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_key"], name="one_commentary_per_indicator_period")
        ]

    def __str__(self) -> str:
        return f"Commentary on {self.indicator.code} {self.period_key}"


class Challenge(PeriodFields):
    """A Business Group member's challenge on an indicator's performance in a period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="challenges")
    text = limited_text(limits.COMMENT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        "cscp.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="scorecard_challenges"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator", "period_start", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Challenge on {self.indicator.code} {self.period_key}"


class ChallengeResponse(models.Model):
    """A reply in a challenge's thread: the officer's response, or a follow-up."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="responses")
    text = limited_text(limits.COMMENT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["challenge", "created_at", "pk"]

    def __str__(self) -> str:
        return f"Response to {self.challenge}"


# Comparators: the DfE's published statistics for England, regions and local authorities.


class Area(models.Model):
    """A place DfE publishes figures for. `code` is DfE's three-digit LA number where there is one."""

    class Level(models.TextChoices):
        COUNTRY = "country", "Country"
        REGION = "region", "Region"
        LA = "la", "Local authority"
        PARTNERSHIP = "partnership", "The partnership's area"

    code = models.CharField(max_length=30, unique=True, help_text="Three-digit LA number, or ONS code")
    new_code = models.CharField(max_length=20, blank=True, db_index=True, help_text="ONS code, for example E10000006")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=Level.choices)
    region = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="areas")
    is_active = models.BooleanField("still exists", default=True)

    class Meta:
        ordering = ["level", "name"]

    def __str__(self) -> str:
        return self.name


class PartnershipArea(models.Model):
    """Which authorities make up the partnership's area in which years (reorganisations are data, not code).

    `from_year`/`to_year` are financial years by their first calendar year (2023 = 2023-24); `to_year` blank
    means "still". The partnership's published figure for a year combines the authorities in force that year.
    """

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="partnership_spans")
    from_year = models.PositiveSmallIntegerField(null=True, blank=True)
    to_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["from_year", "area__code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "from_year"], name="partnership_area_span_unique"),
            models.CheckConstraint(
                condition=Q(to_year__isnull=True) | Q(from_year__isnull=True) | Q(to_year__gte=models.F("from_year")),
                name="partnership_area_span_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} ({self.from_year or '…'} to {self.to_year or 'now'})"

    def covers(self, financial_year: int) -> bool:
        return (self.from_year is None or self.from_year <= financial_year) and (
            self.to_year is None or financial_year <= self.to_year
        )


class NeighbourModel(models.Model):
    """A version of DfE's statistical-neighbour model (2021, 2025)."""

    year = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    source_file = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.name


class Neighbour(models.Model):
    """One of an area's statistical neighbours in a model, closest first."""

    model = models.ForeignKey(NeighbourModel, on_delete=models.CASCADE, related_name="neighbours")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="neighbour_entries")
    neighbour = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    closeness = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["model", "area", "position"]
        constraints = [
            models.UniqueConstraint(fields=["model", "area", "position"], name="neighbour_position_unique"),
            models.UniqueConstraint(fields=["model", "area", "neighbour"], name="neighbour_once_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.area} neighbour {self.position}: {self.neighbour}"


class ComparatorSettings(models.Model):
    """Who the partnership compares itself with. One row; `ComparatorSettings.load()` returns it."""

    region = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    neighbour_model = models.ForeignKey(
        NeighbourModel, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    neighbours_of = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The authority whose statistical neighbours are the partnership's",
    )
    partnership_area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The area under which the partnership's own published figures are stored",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "comparator settings"
        verbose_name_plural = "comparator settings"

    def __str__(self) -> str:
        return "Comparator settings"

    @classmethod
    def load(cls) -> ComparatorSettings:
        found, _ = cls.objects.get_or_create(pk=1)
        return found


class ComparatorMeasure(models.Model):
    """A published measure: one column of one kind of DfE file, with the breakdown that picks its rows."""

    class SourceKind(models.TextChoices):
        EES = "ees", "Explore Education Statistics CSV"
        LAIT = "lait", "LAIT extract"
        ONS = "ons", "ONS population estimates"

    class Combine(models.TextChoices):
        SUM = "sum", "Add the parts up (a count)"
        RATE = "rate", "Recompute from numerator and denominator"
        POPULATION_RATE = "population_rate", "Recompute per 10,000 children (ONS population)"
        POPULATION_WEIGHTED = "population_weighted", "Weigh each part's rate per 10,000 by its children (ONS)"
        NONE = "none", "Cannot be combined"

    code = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    source_kind = models.CharField(max_length=10, choices=SourceKind.choices, default=SourceKind.EES)
    file_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text="Which files carry it: a word their name contains, for example cla_number_and_rate",
    )
    column = models.CharField(max_length=200, help_text="The measure's column (or LAIT code)")
    filters = models.JSONField(default=dict, blank=True, help_text="Breakdown column → value that picks the rows")
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.NONE)
    combine = models.CharField(max_length=20, choices=Combine.choices, default=Combine.NONE)
    numerator_column = models.CharField(max_length=200, blank=True)
    denominator_column = models.CharField(max_length=200, blank=True)
    per = models.PositiveIntegerField(default=100)
    places = models.PositiveSmallIntegerField(null=True, blank=True, default=1)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ComparatorValue(PeriodFields):
    """A measure's published figure for an area and year. No figure: `value` None and DfE's `symbol` kept."""

    measure = models.ForeignKey(ComparatorMeasure, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="comparator_values")
    value = models.DecimalField(**_DIGITS, null=True, blank=True)
    symbol = models.CharField(max_length=10, blank=True)
    note = models.TextField(blank=True, help_text="How a combined figure was worked out, or why there is none")
    source_file = models.CharField(max_length=300, blank=True)
    release_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The latest year in the file the figure came from: an older release never overwrites a newer one",
    )
    import_run = models.ForeignKey("ImportRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "area", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "area", "period_key"], name="one_comparator_value"),
        ]
        indexes = [models.Index(fields=["measure", "period_start"])]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else self.symbol
        return f"{self.measure.code} {self.area.code} {self.period_key}: {shown}"


class PublishedSource(models.Model):
    """Who published a file of comparator figures, which release it is, where it is and under what licence.

    Matched to comparator values by the file's name (`ComparatorValue.source_file`), so a value imported from
    the same file, by the demo or by an upload, names the same release wherever it is shown."""

    file_name = models.CharField(max_length=300, unique=True, help_text="The file's name, as its values record it")
    publisher = models.CharField(max_length=200, help_text="For example Department for Education")
    publication = models.CharField(max_length=300, help_text="For example Children in need")
    release = models.CharField(max_length=100, blank=True, help_text="For example reporting year 2025")
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField("address", max_length=500, blank=True)
    licence = models.CharField(max_length=200, blank=True, help_text="For example Open Government Licence v3.0")

    class Meta:
        ordering = ["file_name"]

    def __str__(self) -> str:
        return self.citation

    @property
    def citation(self) -> str:
        """ "Department for Education, Children in need, reporting year 2025, Open Government Licence v3.0"."""
        published = f"published {self.published_on.day} {self.published_on:%B %Y}" if self.published_on else ""
        parts = (self.publisher, self.publication, self.release, published, self.licence)
        return ", ".join(part for part in parts if part)


class IndicatorMapping(models.Model):
    """Which published measure feeds an indicator, and as what."""

    class Role(models.TextChoices):
        BOTH = "both", "The partnership's published figure and its comparators"
        PUBLISHED = "published", "The partnership's published figure only"
        COMPARATORS = "comparators", "Comparators only"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="mappings")
    measure = models.ForeignKey(ComparatorMeasure, on_delete=models.CASCADE, related_name="mappings")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.BOTH)

    class Meta:
        ordering = ["indicator", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "measure"], name="one_mapping_per_indicator_measure")
        ]

    def __str__(self) -> str:
        return f"{self.measure} → {self.indicator.code}"


# Imports and reports.


class ImportRun(models.Model):
    """One file being imported: previewed, applied (in the background when large), and its outcome."""

    class Kind(models.TextChoices):
        LOCAL_VALUES = "local_values", "Local indicator values (CSV or Excel)"
        DFE_EES = "dfe_ees", "DfE statistics (Explore Education Statistics CSV)"
        DFE_SN_2021 = "dfe_sn_2021", "DfE statistical neighbours (2021 model)"
        DFE_SN_2025 = "dfe_sn_2025", "DfE statistical neighbours (2025 model)"
        DFE_LAIT = "dfe_lait", "LAIT extract"
        ONS_POPULATION = "ons_population", "ONS population estimates"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PREVIEW = "preview", "Ready to check"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to="scorecards/imports/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255, help_text="The file's name as uploaded")
    file_sha256 = models.CharField(max_length=64, blank=True)
    extra_file = models.FileField(upload_to="scorecards/imports/%Y/%m/", blank=True, help_text="LAIT's dictionary")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    apply = models.BooleanField(default=True, help_text="Save the outcome, rather than only preview it")
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    skipped_reasons = models.JSONField(default=dict, blank=True, help_text="Reason → how many rows")
    problems = models.JSONField(default=list, blank=True, help_text="[{row, column, message}]")
    preview = models.JSONField(default=list, blank=True, help_text="Each row's outcome before anything is saved")
    options = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent_done(self) -> int:
        if self.status in (self.Status.DONE, self.Status.PREVIEW):
            return 100
        if not self.rows_total:
            return 0
        return min(100, int(self.rows_done * 100 / self.rows_total))


class ScorecardReport(models.Model):
    """A scorecard as published for a period: a frozen snapshot and its PDF. One per scorecard and period."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="reports")
    frequency = models.CharField(max_length=20, choices=[(MONTHLY, "Monthly"), (QUARTERLY, "Quarterly")])
    period_key = models.CharField("period", max_length=20)
    snapshot = models.JSONField(default=dict, blank=True)
    pdf = models.FileField(upload_to="scorecards/reports/%Y/", blank=True)
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-generated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "period_key"], name="one_report_per_scorecard_period")
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} {self.period_key}"

    @property
    def period(self) -> Period:
        return Period.parse(self.period_key)
