"""Writes for the scorecards. Each service is keyword-only, validates, saves atomically and leaves an audit event
("scorecards.<entity>.<verb>"); field-level history of values, targets and commentary comes from simple-history.

Errors are django ValidationErrors keyed by field. `indicator_values_save` raises `RowErrors`, a ValidationError
that also carries `row_errors` ({row index: {field: [messages]}}) so a grid can show each message beside its cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cscp import limits
from cscp.audit import record_event
from cscp.models import Group, Person
from cscp.notifications import notify
from scorecards import judgements, ranges, selectors
from scorecards.models import (
    Area,
    Challenge,
    ChallengeResponse,
    Commentary,
    ComparatorSettings,
    Indicator,
    IndicatorValue,
    Milestone,
    NeighbourModel,
    PartnershipArea,
    Scorecard,
    ScorecardIndicator,
    Target,
)
from scorecards.periods import Period
from scorecards.rules import may_enter_values

_PLACES = Decimal("0.0001")
TEXT_LIMIT = limits.COMMENT


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def as_period(period: Period | str) -> Period:
    if isinstance(period, Period):
        return period
    try:
        return Period.parse(period)
    except (TypeError, ValueError) as error:
        raise ValidationError({"period": str(error)}) from error


# The largest figure the database keeps (16 digits, four of them after the point).
LARGEST = Decimal(10) ** 12


def _clean(value: object, unit: str) -> Decimal | None:
    """judgements.clean_value, and a figure small enough to store."""
    number = judgements.clean_value(value, unit)
    if number is not None and abs(number) >= LARGEST:
        raise judgements.InvalidValue(["Enter a number smaller than 1,000,000,000,000"])
    return number


def stored(value: Decimal | None) -> Decimal | None:
    """A value as the database keeps it (four decimal places), so comparisons with stored values are exact."""
    if value is None:
        return None
    return value.quantize(_PLACES, rounding=ROUND_HALF_UP)


# Values ------------------------------------------------------------------------------------------------


class RowErrors(ValidationError):
    """Some rows of a batch cannot be saved; nothing was. `row_errors`: {row index: {field: [messages]}}."""

    def __init__(self, row_errors: Mapping[int, Mapping[str, list[str]]]):
        self.row_errors = {index: dict(fields) for index, fields in row_errors.items()}
        super().__init__(
            {
                f"row-{index}-{name}": messages
                for index, fields in self.row_errors.items()
                for name, messages in fields.items()
            }
        )


@dataclass
class CleanRow:
    indicator: Indicator
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    commentary: str = ""


@dataclass
class SaveResult:
    created: list[IndicatorValue] = field(default_factory=list)
    updated: list[IndicatorValue] = field(default_factory=list)
    unchanged: list[IndicatorValue] = field(default_factory=list)
    commentaries: list[Commentary] = field(default_factory=list)

    @property
    def saved(self) -> int:
        return len(self.created) + len(self.updated)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _count(value: object, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        number = _clean(value, judgements.COUNT)
    except judgements.InvalidValue as error:
        errors[name] = [message.replace("a count", f"the {name}") for message in error.messages]
        return None
    if number is None:
        errors[name] = [f"Enter the {name}"]
    return number


def clean_row(indicator: Indicator, row: Mapping[str, Any]) -> tuple[CleanRow | None, dict[str, list[str]]]:
    """One row's figures checked against the indicator's unit. Returns (None, {}) for a blank row.

    An indicator with a numerator and denominator takes those two and computes its value (a value typed as
    well must agree with them, to one decimal place); any other indicator takes a value.
    """
    errors: dict[str, list[str]] = {}
    value, numerator, denominator = row.get("value"), row.get("numerator"), row.get("denominator")
    commentary = (row.get("commentary") or "").strip()
    if len(commentary) > TEXT_LIMIT:
        errors["commentary"] = [f"Commentary must be {TEXT_LIMIT:,} characters or fewer"]
    if all(_blank(item) for item in (value, numerator, denominator)):
        return None, errors
    if indicator.has_counts:
        top = _count(numerator, "numerator", errors)
        bottom = _count(denominator, "denominator", errors)
        if top is None or bottom is None:
            return None, errors
        if bottom == 0:
            errors["denominator"] = ["Enter a denominator above 0"]
            return None, errors
        if indicator.unit in (judgements.PERCENT, judgements.RATE_PER_10000) and top > bottom:
            errors["numerator"] = [
                f"The numerator ({top:,f}) cannot be larger than the denominator ({bottom:,f}): check both figures"
            ]
            return None, errors
        if indicator.unit == judgements.PERCENT:
            computed = judgements.percentage(top, bottom)
        elif indicator.unit == judgements.RATE_PER_10000:
            computed = judgements.rate_per(top, bottom)
        else:
            computed = top / bottom
        if not _blank(value):
            try:
                typed = _clean(value, indicator.unit)
            except judgements.InvalidValue as error:
                errors["value"] = error.messages
                return None, errors
            if typed is not None and abs(typed - computed) > Decimal("0.05"):
                errors["value"] = [
                    f"Leave the value blank: it is worked out from the numerator and denominator "
                    f"({computed.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)})"
                ]
                return None, errors
        return CleanRow(indicator, stored(computed), top, bottom, commentary), errors
    # Counts given for an indicator without them are kept (checked like any count), never used for the value.
    top = _count(numerator, "numerator", errors) if not _blank(numerator) else None
    bottom = _count(denominator, "denominator", errors) if not _blank(denominator) else None
    if errors:
        return None, errors
    try:
        number = _clean(value, indicator.unit)
    except judgements.InvalidValue as error:
        errors["value"] = error.messages
        return None, errors
    if number is None:
        errors["value"] = ["Enter a value, or leave the whole row blank"]
        return None, errors
    return CleanRow(indicator, stored(number), top, bottom, commentary), errors


def _indicators_for(rows: Sequence[Mapping[str, Any]]) -> dict[str, Indicator]:
    """The rows' indicators by code, in one query (rows name them by instance, code or id)."""
    ids, codes = set(), set()
    for row in rows:
        named = row.get("indicator")
        if isinstance(named, Indicator):
            ids.add(named.pk)
        elif isinstance(named, int):
            ids.add(named)
        elif isinstance(named, str):
            codes.add(named.strip())
    found = Indicator.objects.filter(Q(pk__in=ids) | Q(code__in=codes)).select_related("responsible_officer")
    return {indicator.code: indicator for indicator in found}


def _indicator_of(row: Mapping[str, Any], by_code: Mapping[str, Indicator]) -> Indicator | None:
    indicator = row.get("indicator")
    if isinstance(indicator, Indicator):
        return by_code.get(indicator.code, indicator)
    if isinstance(indicator, int):
        return next((item for item in by_code.values() if item.pk == indicator), None)
    if isinstance(indicator, str):
        return by_code.get(indicator.strip())
    return None


@dataclass
class Entry:
    """One row to check: an indicator's figures (and commentary) for a period, as text or numbers."""

    indicator: Indicator
    period: Period
    row: Mapping[str, Any]


@dataclass
class CheckedRow:
    """A row that passed: its figures (None for a row that only carries commentary), the figure held for the
    period before, and whether the figure is new or different from it."""

    period: Period
    clean: CleanRow
    existing: IndicatorValue | None

    @property
    def has_figure(self) -> bool:
        return self.clean.value is not None

    @property
    def changes_figure(self) -> bool:
        if not self.has_figure:
            return False
        before = self.existing
        return before is None or (stored(before.value), stored(before.numerator), stored(before.denominator)) != (
            self.clean.value,
            stored(self.clean.numerator),
            stored(self.clean.denominator),
        )


def _naming(indicator: Indicator, message: str) -> str:
    """The message with the indicator it is about in front: "CSC02 Referrals: enter a whole number"."""
    first, _, rest = message.partition(" ")
    if first[:1].isupper() and first[1:].islower():
        message = f"{first.lower()} {rest}".rstrip()
    return f"{ranges.indicator_words(indicator)}: {message}"


def indicator_values_check(
    entries: Sequence[Entry], *, today=None, for_update: bool = False
) -> tuple[dict[int, CheckedRow], dict[int, dict[str, list[str]]]]:
    """The rules every figure meets, however it arrives (the entry page and the spreadsheet import both use
    this): the period is one the indicator takes (of its frequency, complete, not before its first period: see
    `scorecards.ranges`); the figures are in shape for its unit, and a numerator and denominator agree with each
    other and with a value typed beside them (`clean_row`); and a new or changed figure that is red against its
    target or milestone has commentary, in the row or already written for the period.

    Commentary is judged for each indicator on its own: an unchanged figure is never held up for its missing
    commentary (the reminders chase it), and a row of commentary alone is saved as commentary. A row with
    neither figure nor commentary is left alone. Every message names the indicator.

    Returns the rows that passed and the errors, each by its position in `entries` ({position: {field:
    [messages]}}, fields "period", "value", "numerator", "denominator" and "commentary"). Five queries at most,
    however many rows and periods; `for_update` locks the figures held (inside a transaction).
    """
    today = today or timezone.localdate()
    errors: dict[int, dict[str, list[str]]] = {}
    passed: list[tuple[int, Entry, CleanRow]] = []
    firsts = ranges.first_periods({entry.indicator.pk: entry.indicator for entry in entries}.values(), today=today)
    for index, entry in enumerate(entries):
        indicator, period = entry.indicator, entry.period
        cleaned, row_errors = clean_row(indicator, entry.row)
        commentary = (entry.row.get("commentary") or "").strip()
        if cleaned is None and not row_errors and not commentary:
            continue  # nothing given: left alone
        refusal = ranges.entry_refusal(indicator, period, first=firsts[indicator.pk], today=today)
        if refusal:
            errors[index] = {"period": [refusal]}
            continue
        if row_errors:
            errors[index] = {
                name: [_naming(indicator, message) for message in messages] for name, messages in row_errors.items()
            }
            continue
        passed.append((index, entry, cleaned or CleanRow(indicator, None, commentary=commentary)))
    ids = {entry.indicator.pk for _, entry, _ in passed}
    keys = {entry.period.key for _, entry, _ in passed}
    held = IndicatorValue.objects.filter(indicator_id__in=ids, period_key__in=keys)
    if for_update:
        held = held.select_for_update()
    existing = {(value.indicator_id, value.period_key): value for value in held} if passed else {}
    checked = {
        index: CheckedRow(entry.period, clean, existing.get((entry.indicator.pk, entry.period.key)))
        for index, entry, clean in passed
    }
    needing = [(index, row) for index, row in checked.items() if row.changes_figure and not row.clean.commentary]
    if needing:
        years = {row.period.year for _, row in needing}
        targets = selectors.targets_by_year(ids, years)
        milestones = selectors.milestones_by_period(ids, keys)
        commented = set(
            Commentary.objects.filter(indicator_id__in=ids, period_key__in=keys).values_list(
                "indicator_id", "period_key"
            )
        )
        for index, row in needing:
            indicator, period = row.clean.indicator, row.period
            if (indicator.pk, period.key) in commented:
                continue
            status = judgements.rag(
                row.clean.value,
                targets.get((indicator.pk, period.year)),
                polarity=indicator.polarity,
                tolerance=indicator.amber_tolerance or 0,
                tolerance_kind=indicator.tolerance_kind,
                milestone=milestones.get((indicator.pk, period.key)),
                unit=indicator.unit,
            )
            if status == judgements.RED:
                errors[index] = {
                    "commentary": [
                        f"{ranges.indicator_words(indicator)} is red for {period.label}: enter commentary saying "
                        "how the under-performance is being addressed"
                    ]
                }
                del checked[index]
    return checked, errors


@transaction.atomic
def indicator_values_save(
    *,
    actor: Person,
    period: Period | str,
    rows: Sequence[Mapping[str, Any]],
    source: str = IndicatorValue.Source.ENTERED,
    import_run=None,
    check_permission: bool = True,
    today=None,
) -> SaveResult:
    """Save one period's values for many indicators at once: all of them, or (on any error) none.

    Each row: {"indicator": Indicator | code | id, "value", "numerator", "denominator", "commentary"} (text or
    numbers; blanks allowed). Every row meets `indicator_values_check`'s rules, whoever sends it (the entry page
    and the spreadsheet import alike). The actor must be the indicator's responsible officer or an admin
    (`check_permission=False` when the caller, e.g. an import by a data officer, has checked already). A row
    with commentary and no figure saves the commentary; a blank row is left alone.
    """
    period = as_period(period)
    indicators = _indicators_for(rows)
    errors: dict[int, dict[str, list[str]]] = {}
    entries: list[Entry] = []
    positions: list[int] = []
    seen: set[int] = set()
    for index, row in enumerate(rows):
        indicator = _indicator_of(row, indicators)
        if indicator is None:
            errors[index] = {"indicator": ["Choose an indicator that exists"]}
            continue
        if indicator.pk in seen:
            errors[index] = {"indicator": [f"{indicator.code} appears twice: give each indicator one row"]}
            continue
        seen.add(indicator.pk)
        if check_permission and not may_enter_values(actor, indicator):
            errors[index] = {"indicator": [f"Only {indicator.code}'s responsible officer can enter its values"]}
            continue
        entries.append(Entry(indicator, period, row))
        positions.append(index)
    checked, refused = indicator_values_check(entries, today=today, for_update=True)
    for position, fields in refused.items():
        errors[positions[position]] = fields
    if errors:
        raise RowErrors(errors)
    result = SaveResult()
    now = timezone.now()
    commented = [row.clean.indicator.pk for row in checked.values() if row.clean.commentary]
    written = dict(
        Commentary.objects.filter(indicator_id__in=commented, period_key=period.key).values_list("indicator_id", "text")
        if commented
        else ()
    )
    for checked_row in checked.values():
        row, before = checked_row.clean, checked_row.existing
        if not checked_row.has_figure:
            pass
        elif before is None:
            value = IndicatorValue(
                indicator=row.indicator,
                period_key=period.key,
                value=row.value,
                numerator=row.numerator,
                denominator=row.denominator,
                source=source,
                import_run=import_run,
                entered_by=actor,
                entered_at=now,
            )
            value.save()
            result.created.append(value)
            record_event("scorecards.indicator_value.created", actor=actor, obj=value, data={"value": str(row.value)})
        elif not checked_row.changes_figure:
            result.unchanged.append(before)
        else:
            old = str(before.value)
            before.value, before.numerator, before.denominator = row.value, row.numerator, row.denominator
            before.source, before.import_run, before.entered_by, before.entered_at = source, import_run, actor, now
            before.save()
            result.updated.append(before)
            record_event(
                "scorecards.indicator_value.updated",
                actor=actor,
                obj=before,
                data={"changes": {"value": [old, str(row.value)]}},
            )
        if row.commentary and written.get(row.indicator.pk) != row.commentary:
            result.commentaries.append(
                commentary_save(actor=actor, indicator=row.indicator, period=period, text=row.commentary, check=False)
            )
    return result


# Commentary and challenge ------------------------------------------------------------------------------


def _text(text: str, field_name: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field_name: [f"Enter {what}"]})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({field_name: [f"{what[0].upper()}{what[1:]} must be {TEXT_LIMIT:,} characters or fewer"]})
    return text


@transaction.atomic
def commentary_save(
    *, actor: Person, indicator: Indicator, period: Period | str, text: str, check: bool = True
) -> Commentary:
    """Write or rewrite the commentary for an indicator's period (the earlier text stays in history)."""
    period = as_period(period)
    text = _text(text, "text", "the commentary")
    if check and not actor.has_perm("scorecards.write_commentary", indicator):
        raise PermissionDenied
    commentary = Commentary.objects.select_for_update().filter(indicator=indicator, period_key=period.key).first()
    if commentary is None:
        commentary = Commentary.objects.create(indicator=indicator, period_key=period.key, text=text, author=actor)
        record_event("scorecards.commentary.created", actor=actor, obj=commentary)
    elif commentary.text != text:
        commentary.text, commentary.author, commentary.updated_at = text, actor, timezone.now()
        commentary.save()
        record_event("scorecards.commentary.updated", actor=actor, obj=commentary)
    return commentary


@transaction.atomic
def challenge_add(
    *, actor: Person, indicator: Indicator, period: Period | str, text: str, group: Group | None = None
) -> Challenge:
    """A Business Group (or Board) challenge on an indicator's period; its responsible officer is told."""
    period = as_period(period)
    text = _text(text, "text", "your challenge")
    if not actor.has_perm("scorecards.challenge", indicator):
        raise PermissionDenied
    challenge = Challenge.objects.create(
        indicator=indicator, period_key=period.key, text=text, author=actor, group=group
    )
    record_event("scorecards.challenge.created", actor=actor, obj=challenge)
    officer = indicator.responsible_officer
    if officer is not None and officer.pk != actor.pk:
        notify(
            recipient=officer,
            key=f"scorecards.challenge.{challenge.pk}.raised:person.{officer.pk}",
            subject=f"Challenge on {indicator.code} for {period.label}",
            body=f"{actor} challenged {indicator.name} for {period.label}: {text}",
            url=_url("scorecards:indicator-detail", indicator.code),
        )
    return challenge


@transaction.atomic
def challenge_respond(*, actor: Person, challenge: Challenge, text: str) -> ChallengeResponse:
    """A reply in the challenge's thread; the other side is told."""
    text = _text(text, "text", "your response")
    if not actor.has_perm("scorecards.respond_to_challenge", challenge):
        raise PermissionDenied
    response = ChallengeResponse.objects.create(challenge=challenge, text=text, author=actor)
    record_event("scorecards.challenge.responded", actor=actor, obj=challenge, data={"response": response.pk})
    indicator = challenge.indicator
    recipient = challenge.author if actor.pk != challenge.author_id else indicator.responsible_officer
    if recipient is not None and recipient.pk != actor.pk:
        notify(
            recipient=recipient,
            key=f"scorecards.challenge_response.{response.pk}:person.{recipient.pk}",
            subject=f"Response to the challenge on {indicator.code}",
            body=f"{actor} responded: {text}",
            url=_url("scorecards:indicator-detail", indicator.code),
        )
    return response


# Indicators, scorecards, targets and milestones ---------------------------------------------------------

INDICATOR_FIELDS = (
    "code",
    "name",
    "definition",
    "numerator_definition",
    "denominator_definition",
    "unit",
    "polarity",
    "frequency",
    "area",
    "aggregation",
    "source",
    "responsible_officer",
    "priority",
    "baseline_value",
    "baseline_period",
    "first_period",
    "amber_tolerance",
    "tolerance_kind",
    "similar_band",
    "divergence_tolerance",
    "divergence_kind",
    "is_active",
)


def _check_manager(actor: Person) -> None:
    if not actor.has_perm("scorecards.manage_indicators"):
        raise PermissionDenied


@transaction.atomic
def indicator_create(
    *,
    actor: Person,
    values: Mapping[str, Any],
    themes: Iterable = (),
    scorecards: Iterable[Scorecard] = (),
) -> Indicator:
    _check_manager(actor)
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"Not indicator fields: {', '.join(sorted(unknown))}")
    indicator = Indicator(**values)
    indicator.full_clean()
    indicator.save()
    indicator.themes.set(list(themes))
    for scorecard in scorecards:
        _add_to_scorecard(scorecard, indicator)
    record_event("scorecards.indicator.created", actor=actor, obj=indicator)
    return indicator


def _add_to_scorecard(scorecard: Scorecard, indicator: Indicator) -> None:
    if not ScorecardIndicator.objects.filter(scorecard=scorecard, indicator=indicator).exists():
        last = ScorecardIndicator.objects.filter(scorecard=scorecard).order_by("-order").values_list("order", flat=True)
        ScorecardIndicator.objects.create(scorecard=scorecard, indicator=indicator, order=(last.first() or 0) + 1)


@transaction.atomic
def indicator_update(
    *,
    actor: Person,
    indicator: Indicator,
    values: Mapping[str, Any],
    themes: Iterable | None = None,
    scorecards: Iterable[Scorecard] | None = None,
) -> Indicator:
    _check_manager(actor)
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"Not indicator fields: {', '.join(sorted(unknown))}")
    changes = {}
    for name, value in values.items():
        before = getattr(indicator, name)
        if before != value:
            changes[name] = [str(before), str(value)]
        setattr(indicator, name, value)
    if "unit" in changes and indicator.values.exists():
        raise ValidationError({"unit": ["The unit cannot change once values are entered: create a new indicator"]})
    indicator.full_clean()
    indicator.updated_at = timezone.now()
    indicator.save()
    if themes is not None:
        indicator.themes.set(list(themes))
    if scorecards is not None:
        wanted = list(scorecards)
        ScorecardIndicator.objects.filter(indicator=indicator).exclude(scorecard__in=wanted).delete()
        for scorecard in wanted:
            _add_to_scorecard(scorecard, indicator)
    if changes or themes is not None or scorecards is not None:
        record_event("scorecards.indicator.updated", actor=actor, obj=indicator, data={"changes": changes})
    return indicator


def _target_value(indicator: Indicator, value: object, field_name: str) -> Decimal:
    if _blank(value):
        raise ValidationError({field_name: ["Enter a value"]})
    try:
        number = _clean(value, indicator.unit)
    except judgements.InvalidValue as error:
        raise ValidationError({field_name: error.messages}) from error
    return stored(number)


@transaction.atomic
def target_set(*, actor: Person, indicator: Indicator, financial_year: int, value: object) -> Target:
    """Set (or change) the target for a financial year; the earlier target stays in history."""
    if not actor.has_perm("scorecards.set_targets", indicator):
        raise PermissionDenied
    number = _target_value(indicator, value, "value")
    if not isinstance(financial_year, int) or not 2000 <= financial_year <= 2100:
        raise ValidationError({"financial_year": ["Enter the year the financial year starts in, like 2025"]})
    target, created = Target.objects.select_for_update().get_or_create(
        indicator=indicator, financial_year=financial_year, defaults={"value": number, "set_by": actor}
    )
    if not created and target.value != number:
        old = str(target.value)
        target.value, target.set_by, target.set_at = number, actor, timezone.now()
        target.save()
        record_event(
            "scorecards.target.updated", actor=actor, obj=target, data={"changes": {"value": [old, str(number)]}}
        )
    elif created:
        record_event("scorecards.target.created", actor=actor, obj=target)
    return target


@transaction.atomic
def milestone_set(*, actor: Person, indicator: Indicator, period: Period | str, value: object) -> Milestone | None:
    """Set a milestone for a month or quarter; a blank value removes it."""
    if not actor.has_perm("scorecards.set_targets", indicator):
        raise PermissionDenied
    period = as_period(period)
    if period.frequency == "annual":
        raise ValidationError({"period": ["A milestone is for a month or quarter: the year has its target"]})
    existing = Milestone.objects.select_for_update().filter(indicator=indicator, period_key=period.key).first()
    if _blank(value):
        if existing is not None:
            existing.delete()
            record_event("scorecards.milestone.deleted", actor=actor, obj=indicator, data={"period": period.key})
        return None
    number = _target_value(indicator, value, "value")
    if existing is None:
        existing = Milestone.objects.create(indicator=indicator, period_key=period.key, value=number)
        record_event("scorecards.milestone.created", actor=actor, obj=existing)
    elif existing.value != number:
        existing.value = number
        existing.save()
        record_event("scorecards.milestone.updated", actor=actor, obj=existing)
    return existing


# Who the partnership compares itself with -------------------------------------------------------------


@transaction.atomic
def comparator_setup(
    *,
    actor: Person | None,
    partnership_name: str,
    region: tuple[str, str],
    spans: Sequence[tuple[str, str, str, int | None, int | None]],
    neighbours_of: str,
    neighbour_model_year: int,
) -> ComparatorSettings:
    """Record the partnership's area over time and its comparators (idempotent).

    `region`: (ONS code, name). `spans`: (DfE LA number, ONS code, name, first financial year or None, last or None)
    for each authority that made up the partnership's area, e.g. Cumbria to 2022 (2022-23), Cumberland and
    Westmorland and Furness from 2023. `neighbours_of`: the LA number whose statistical neighbours are used.
    """
    changed = False
    region_area, created = Area.objects.get_or_create(
        code=region[0], defaults={"new_code": region[0], "name": region[1], "level": Area.Level.REGION}
    )
    changed |= created
    own, created = Area.objects.get_or_create(
        code="PARTNERSHIP", defaults={"name": partnership_name, "level": Area.Level.PARTNERSHIP}
    )
    if not created and own.name != partnership_name:
        own.name = partnership_name
        own.save(update_fields=["name"])
        changed = True
    changed |= created
    wanted = set()
    for code, new_code, name, first, last in spans:
        area, created = Area.objects.get_or_create(
            code=code, defaults={"new_code": new_code, "name": name, "level": Area.Level.LA, "region": region_area}
        )
        changed |= created
        span, created = PartnershipArea.objects.get_or_create(area=area, from_year=first, defaults={"to_year": last})
        if not created and span.to_year != last:
            span.to_year = last
            span.save(update_fields=["to_year"])
            changed = True
        changed |= created
        wanted.add(span.pk)
    removed, _ = PartnershipArea.objects.exclude(pk__in=wanted).delete()
    changed |= bool(removed)
    model, created = NeighbourModel.objects.get_or_create(
        year=neighbour_model_year, defaults={"name": f"Statistical neighbours ({neighbour_model_year} model)"}
    )
    changed |= created
    settings = ComparatorSettings.load()
    wanted_settings = {
        "region_id": region_area.pk,
        "partnership_area_id": own.pk,
        "neighbour_model_id": model.pk,
        "neighbours_of_id": Area.objects.get(code=neighbours_of).pk,
    }
    if any(getattr(settings, name) != value for name, value in wanted_settings.items()):
        for name, value in wanted_settings.items():
            setattr(settings, name, value)
        settings.save()
        changed = True
    if changed:
        record_event("scorecards.comparator_settings.updated", actor=actor, obj=settings)
    return settings


CUMBRIA_SPANS = (
    ("909", "E10000006", "Cumbria", None, 2022),
    ("942", "E06000063", "Cumberland", 2023, None),
    ("943", "E06000064", "Westmorland and Furness", 2023, None),
)


# Reminders ---------------------------------------------------------------------------------------------


def reminders_send(*, today) -> dict[str, int]:
    """Remind each responsible officer of values missing for the last complete period of each of their indicators
    (from the indicator's first period on), and of commentary missing on an indicator that is red in that period.
    Each reminder goes once (its key names the indicator, the period and the person), so the task can run daily."""
    active = Indicator.objects.filter(
        is_active=True, responsible_officer__isnull=False, responsible_officer__is_active=True
    )
    indicators = list(ranges.with_earliest_figure(active).select_related("responsible_officer").order_by("code"))
    firsts = ranges.first_periods(indicators, today=today)
    # An indicator whose first period is still to come is asked for nothing yet.
    indicators = [
        indicator
        for indicator in indicators
        if Period.last_complete(indicator.frequency, today) >= firsts[indicator.pk]
    ]
    periods = {indicator.pk: Period.last_complete(indicator.frequency, today) for indicator in indicators}
    keys = {period.key for period in periods.values()}
    ids = [indicator.pk for indicator in indicators]
    values = {
        (indicator_id, key): value
        for indicator_id, key, value in IndicatorValue.objects.filter(
            indicator_id__in=ids, period_key__in=keys
        ).values_list("indicator_id", "period_key", "value")
    }
    commented = set(
        Commentary.objects.filter(indicator_id__in=ids, period_key__in=keys).values_list("indicator_id", "period_key")
    )
    targets = selectors.targets_by_year(ids, {period.year for period in periods.values()})
    milestones = selectors.milestones_by_period(ids, keys)
    sent = {"values_missing": 0, "commentary_missing": 0}
    for indicator in indicators:
        period = periods[indicator.pk]
        officer = indicator.responsible_officer
        url = _url("scorecards:indicator-detail", indicator.code)
        value = values.get((indicator.pk, period.key))
        if value is None:
            if notify(
                recipient=officer,
                key=f"scorecards.value-missing.{indicator.pk}.{period.key}:person.{officer.pk}",
                subject=f"Enter {indicator.code} for {period.label}",
                body=f"The value of {indicator.name} for {period.label} has not been entered yet.",
                url=url,
            ):
                sent["values_missing"] += 1
            continue
        status = judgements.rag(
            value,
            targets.get((indicator.pk, period.year)),
            polarity=indicator.polarity,
            tolerance=indicator.amber_tolerance or 0,
            tolerance_kind=indicator.tolerance_kind,
            milestone=milestones.get((indicator.pk, period.key)),
            unit=indicator.unit,
        )
        if (
            status == judgements.RED
            and (indicator.pk, period.key) not in commented
            and notify(
                recipient=officer,
                key=f"scorecards.commentary-missing.{indicator.pk}.{period.key}:person.{officer.pk}",
                subject=f"Commentary needed: {indicator.code} is red for {period.label}",
                body=(
                    f"{indicator.name} is off target for {period.label}. Write the commentary saying how "
                    "under-performance is being addressed."
                ),
                url=url,
            )
        ):
            sent["commentary_missing"] += 1
    return sent


# Which published measure feeds an indicator -----------------------------------------------------------


@transaction.atomic
def indicator_mapping_set(
    *,
    actor: Person,
    indicator: Indicator,
    measure=None,
    role: str = "both",
    request=None,
):
    """Say which published measure feeds an indicator, and as what; `measure` None removes the mapping.

    The page keeps one measure per indicator, so setting one replaces any other: two measures for one role would
    leave the scorecard picking between them silently. Returns the mapping, or None when removed.
    """
    from scorecards.models import IndicatorMapping

    _check_manager(actor)
    if role not in IndicatorMapping.Role.values:
        raise ValidationError({"role": ["Choose what the measure's figures are used for"]})
    if measure is not None and measure.unit != indicator.unit:
        raise ValidationError(
            {
                "measure": [
                    f"Choose a measure in the indicator's unit ({indicator.get_unit_display().lower()}): "
                    f"{measure.name} is a {measure.get_unit_display().lower()}"
                ]
            }
        )
    existing = list(IndicatorMapping.objects.select_for_update().filter(indicator=indicator).select_related("measure"))
    before = sorted((mapping.measure.code, mapping.role) for mapping in existing)
    kept = None
    for mapping in existing:
        if measure is not None and mapping.measure_id == measure.pk:
            kept = mapping
        else:
            mapping.delete()
    if measure is not None:
        if kept is None:
            kept = IndicatorMapping.objects.create(indicator=indicator, measure=measure, role=role)
        elif kept.role != role:
            kept.role = role
            kept.save(update_fields=["role"])
    after = [(measure.code, role)] if measure is not None else []
    if before != after:
        record_event(
            "scorecards.indicator_mapping.changed",
            actor=actor,
            obj=indicator,
            request=request,
            data={"before": [list(pair) for pair in before], "after": [list(pair) for pair in after]},
        )
    return kept
