"""The readers of DfE's published files: the real files (read by path), and small bad files made up here."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from scorecards.dfe import (
    CLA_RELEASE_2024_AS_2025,
    COMBINED,
    CUMBERLAND,
    WESTMORLAND_AND_FURNESS,
    Count,
    DfeImportError,
    ImportProblem,
    Percentage,
    Rate,
    WeightedRate,
    combine_areas,
    cumbria_partnership,
    diff_releases,
    known_la_codes,
    la_lookup,
    population_year,
    read_ees_csv,
    read_lait,
    read_ons_population,
    read_sn_2021,
    read_sn_2025,
    read_table,
)
from scorecards.dfe.authorities import authorities_in_england, says_nothing

B1 = "b1_children_in_need_2013_to_2025.csv"
C1 = "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
D3 = "d3_cpps_subsequent_plan_2013_to_2025.csv"
CLA_2025 = "cla_number_and_rate_per_10k_children.csv"
CLA_2024 = "cla_number_and_rate_per_10k_children_release2024.csv"
ONS = "ons_mid-year_population_estimates_2012_to_2024.csv"
SN_2021 = "New_Statistical_Neighbour_Groupings_April_2021.csv"
SN_2025 = "sn_model_2025_wide.csv"
LAIT = "lait_key_measures_cumbria_extract.csv"
LAIT_DICTIONARY = "lait_dictionary_key_measures.csv"

ON_31_MARCH_2025 = "Children looked after on 31 March each year"  # the 2025 release's wording
ON_31_MARCH_2024 = "Children looked after at 31 March each year"  # the 2024 release's wording


# ------------------------------------------------------------------------------------------- the real files


@pytest.fixture(scope="module")
def tables(dfe_dir):
    return {name: read_ees_csv(dfe_dir / name) for name in (B1, C1, D3, CLA_2025, CLA_2024, ONS)}


@pytest.fixture(scope="module")
def population(dfe_dir):
    return read_ons_population(dfe_dir / ONS)


@pytest.fixture(scope="module")
def lookup(tables):
    return la_lookup(tables[ONS].records)


def one(records, **wanted):
    found = [record for record in records if all(_field(record, key) == value for key, value in wanted.items())]
    assert len(found) == 1, (wanted, found)
    return found[0]


def _field(record, key):
    if key in ("population_type", "population_count", "category", "age_group"):
        return record.filters.get(key)
    return getattr(record, key)


@pytest.mark.parametrize(
    ("name", "measures", "filters"),
    [
        (
            B1,
            [
                "anypoint_episodes",
                "anypoint_child",
                "started_episodes",
                "started_child",
                "ended_episodes",
                "ended_child",
                "at31_episodes",
                "awaiting_assessment",
            ],
            ["category"],
        ),
        (
            C1,
            [
                "referral_count",
                "rereferral_count",
                "rereferral_percent",
                "no_further_action_count",
                "no_further_action_percent",
                "not_in_need_count",
                "not_in_need_percent",
                "referral_child_count",
                "rereferral_child_count",
                "rereferral_child_percent",
            ],
            ["category"],
        ),
        (D3, ["cpp_start", "cpp_subsequent", "cpp_subsequent_percent"], ["category"]),
        (CLA_2025, ["population_estimate", "children_count", "rate_per_10000"], ["population_type"]),
        (CLA_2024, ["population_estimate", "number", "rate_per_10000"], ["population_count"]),
        (ONS, ["population_estimate"], ["age_group"]),
    ],
)
def test_every_ees_file_reads_cleanly_with_its_measures_and_breakdowns(dfe_dir, tables, name, measures, filters):
    table = tables[name]
    data_rows = (dfe_dir / name).read_text(encoding="utf-8-sig").count("\n") - 1

    assert table.problems == []
    assert table.measures == measures
    assert table.filters == filters
    assert table.rows_read == data_rows
    assert len(table.records) == data_rows * len(measures)
    assert {record.geographic_level for record in table.records} == {"National", "Regional", "Local authority"}
    assert len(set(table.records)) == len(table.records)  # records are hashable, and distinct


def test_columns_are_found_by_name_whatever_their_order_and_the_byte_order_mark(dfe_dir, tables):
    # The CLA files start with a byte-order mark and put la_name before new_la_code; b1 has neither.
    assert (dfe_dir / CLA_2025).read_bytes().startswith(b"\xef\xbb\xbf")
    assert tables[CLA_2025].columns["time_period"] == "time_period"
    cla = one(
        tables[CLA_2025].records,
        time_period="2023",
        old_la_code="909",
        measure="children_count",
        population_type=ON_31_MARCH_2025,
    )
    b1 = one(tables[B1].records, time_period="2023", old_la_code="909", measure="at31_episodes")
    for record in (cla, b1):
        assert (record.new_la_code, record.area_name, record.region_code) == ("E10000006", "Cumbria", "E12000002")
        assert record.country_code == "E92000001"
        assert record.time_identifier == "Reporting year"
    assert cla.value == Decimal("740")
    assert b1.value == Decimal("2727")


def test_row_numbers_are_those_a_spreadsheet_shows(dfe_dir, tables):
    record = one(
        tables[CLA_2025].records,
        time_period="2023",
        old_la_code="909",
        measure="children_count",
        population_type=ON_31_MARCH_2025,
    )
    line = (dfe_dir / CLA_2025).read_text(encoding="utf-8-sig").splitlines()[record.row - 1]
    assert record.row == 1146
    assert line.startswith("2023,Reporting year,Local authority") and ",Cumbria," in line and line.endswith(",740,82")
    assert record.source == CLA_2025


def test_quoted_names_with_commas_and_quoted_blanks(tables):
    bcp = one(tables[B1].records, time_period="2025", old_la_code="839", measure="at31_episodes")
    assert bcp.area_name == "Bournemouth, Christchurch and Poole"
    assert bcp.value == Decimal("2446")
    # d3 quotes its empty codes ("") on national and regional rows
    england = one(tables[D3].records, time_period="2025", geographic_level="National", measure="cpp_start")
    assert (england.area_name, england.new_la_code, england.region_code, england.value) == (
        "England",
        "",
        "",
        Decimal("61840"),
    )
    assert england.area_code == "E92000001"


def test_dfe_symbols_are_no_value_with_the_symbol_kept(tables):
    st_helens = one(tables[B1].records, time_period="2023", old_la_code="342", measure="ended_child")
    assert (st_helens.value, st_helens.symbol) == (None, "c")
    assert "confidential" in st_helens.reason
    hampshire = one(tables[B1].records, time_period="2024", old_la_code="850", measure="anypoint_child")
    assert (hampshire.value, hampshire.symbol, hampshire.reason) == (None, "u", "low reliability")
    # Cumbria still has rows after it was abolished: population "x" (not available), count "z" (not applicable)
    cumbria_2025 = tables[CLA_2025].select(population_type=ON_31_MARCH_2025)
    assert one(cumbria_2025, time_period="2025", old_la_code="909", measure="population_estimate").symbol == "x"
    assert one(cumbria_2025, time_period="2025", old_la_code="909", measure="children_count").symbol == "z"
    symbols = {record.symbol for name in (B1, C1, D3, CLA_2025) for record in tables[name].records} - {None}
    assert symbols == {"c", "u", "x", "z"}


def test_the_two_cla_releases_name_the_same_things_differently(tables):
    new = one(
        tables[CLA_2025].records,
        time_period="2024",
        old_la_code="942",
        measure="children_count",
        population_type=ON_31_MARCH_2025,
    )
    old = one(
        tables[CLA_2024].records,
        time_period="2024",
        old_la_code="942",
        measure="number",
        population_count=ON_31_MARCH_2024,
    )
    assert new.value == old.value == Decimal("482")
    assert tables[CLA_2024].filter_values()["population_count"] == [
        "Children ceasing to be looked after each year",
        ON_31_MARCH_2024,
        "Children starting to be looked after each year",
    ]


# ------------------------------------------------------------------------------------- statistical neighbours


def test_2021_neighbours_of_cumbria(dfe_dir, lookup):
    model = read_sn_2021(dfe_dir / SN_2021, la_lookup=lookup)

    assert model.problems == []
    assert model.year == 2021
    cumbria = model["909"]
    assert model["E10000006"] is cumbria
    assert (cumbria.name, cumbria.new_la_code, cumbria.region, cumbria.current) == (
        "Cumbria",
        "E10000006",
        "North West",
        True,
    )
    assert cumbria.codes == ["925", "926", "830", "891", "860", "885", "935", "940", "893", "878"]
    first, eighth = cumbria.neighbours[0], cumbria.neighbours[7]
    assert (first.rank, first.name, first.new_la_code, first.closeness) == (
        1,
        "Lincolnshire",
        "E10000019",
        "Extremely close",
    )
    assert (eighth.rank, eighth.name, eighth.closeness) == (8, "North Northamptonshire", "Very close")
    assert {neighbour.closeness for neighbour in cumbria.neighbours[1:]} == {"Very close"}
    # The "Old SNs:" section after the blank rows: authorities abolished by earlier reorganisations
    assert sorted(code for code, group in model.groups.items() if not group.current) == ["835", "836", "837", "928"]
    assert model["928"].name == "Northamptonshire"
    assert "942" not in model
    assert all(len(group.neighbours) == 10 for group in model.groups.values())


def test_2025_neighbours_of_cumberland_and_westmorland_and_furness(dfe_dir, lookup):
    model = read_sn_2025(dfe_dir / SN_2025, la_lookup=lookup)

    assert model.problems == []
    assert (model.year, len(model)) == (2025, 153)
    assert "909" not in model
    cumberland, wf = model["942"], model["E06000064"]
    assert (cumberland.name, cumberland.new_la_code) == ("Cumberland", "E06000063")
    assert cumberland.codes == ["943", "925", "884", "888", "813", "384", "860", "929", "371", "370"]
    assert [n.closeness for n in cumberland.neighbours] == ["Very close"] * 3 + ["Close"] * 7  # "Close " in the file
    assert (wf.name, wf.old_la_code, wf.region) == ("Westmorland and Furness", "943", "North West")
    assert wf.codes == ["884", "942", "860", "893", "811", "815", "925", "933", "935", "830"]
    assert wf.neighbours[0].name == "Herefordshire, County of"
    # the two halves of the old county are each other's neighbours
    assert cumberland.neighbours[0].name == "Westmorland and Furness"
    assert all(neighbour.new_la_code for group in model.groups.values() for neighbour in group.neighbours)


def test_neighbour_file_with_an_unknown_closeness_word_is_refused():
    text = "old_la_code,la_name,region_name,SN_1,SN_1P\n942,Cumberland,North West,943,Quite near\n"
    model = read_sn_2025(io.BytesIO(text.encode()))
    assert [str(problem) for problem in model.problems] == [
        "Row 2, column `SN_1P`: 'Quite near' is not one of DfE's closeness words "
        "(Extremely close, Very close, Close, Somewhat close, Not close)"
    ]
    assert model.groups == {}


# ------------------------------------------------------------------------------------------------------ LAIT


@pytest.fixture(scope="module")
def lait(dfe_dir, lookup):
    return read_lait(dfe_dir / LAIT, dfe_dir / LAIT_DICTIONARY, la_lookup=lookup)


def test_lait_dictionary_gives_polarity_names_and_units(lait):
    assert lait.problems == []
    assert len(lait.measures) == 11
    rereferral = lait.measures["ReReferral"]
    assert (rereferral.polarity, rereferral.unit, rereferral.year_type) == ("lower", "percent", "Financial Year")
    assert rereferral.name == "Percentage of re-referrals to children's social care within 12 months"
    assert lait.measures["Continue_Assess_Comp"].polarity == "higher"
    looked_after = lait.measures["LAC"]
    assert (looked_after.polarity, looked_after.unit, looked_after.unit_label) == (
        "none",
        "rate_per_10000",
        "Rate per 10,000",
    )
    assert looked_after.links == (
        "https://explore-education-statistics.service.gov.uk/find-statistics/children-looked-after-in-england-including-adoptions",
    )
    # the short code says "CPP" but the measure is the referral rate
    assert (
        lait.measures["CPP_Total_Rateper10,000"].name == "Rates per 10,000 of referrals to Children's Social Services"
    )
    assert "\r" not in lait.measures["CIN"].description


def test_lait_extract_becomes_records_with_areas_and_symbols(lait):
    assert lait.rows_read == 2750
    assert len(lait.records) == 2750
    cumberland = one(lait.records, measure="LAC", time_period="2024", old_la_code="942")
    assert (cumberland.value, cumberland.new_la_code, cumberland.geographic_level) == (
        Decimal("93"),
        "E06000063",
        "Local authority",
    )
    assert cumberland.region_code == "E12000002"
    cumbria = one(lait.records, measure="LAC", time_period="2024", old_la_code="909")
    assert (cumbria.value, cumbria.symbol) == (None, "-")
    england = one(lait.records, measure="LAC", time_period="2024", geographic_level="National")
    assert (england.area_code, england.area_name) == ("E92000001", "England")
    north_west = one(lait.records, measure="LAC", time_period="2024", geographic_level="Regional")
    assert (north_west.area_code, north_west.area_name) == ("E12000002", "North West")
    # LAIT wrote binary floats with 17 digits; the reader gives back the published figure
    assert one(lait.records, measure="CIN", time_period="2022", old_la_code="909").value == Decimal("325.9")
    assert one(lait.records, measure="PrevRegCPR", time_period="2016", old_la_code="888").value == Decimal("18.1")


def test_lait_rates_are_ees_counts_over_the_previous_june_population(lait, tables, population):
    # LAIT's referral and children-in-need rates = the EES count / ONS children aged 0-17 in the June before
    for code, year in (
        ("909", "2022"),
        ("909", "2023"),
        ("942", "2024"),
        ("943", "2024"),
        ("942", "2025"),
        ("943", "2025"),
    ):
        denominator = population.denominator_for(year, code)
        referrals = one(tables[C1].records, measure="referral_count", time_period=year, old_la_code=code).value
        in_need = one(tables[B1].records, measure="at31_episodes", time_period=year, old_la_code=code).value
        referral_rate = one(lait.records, measure="CPP_Total_Rateper10,000", time_period=year, old_la_code=code).value
        in_need_rate = one(lait.records, measure="CIN", time_period=year, old_la_code=code).value
        assert round(referrals / denominator * 10_000, 1) == referral_rate
        assert round(in_need / denominator * 10_000, 1) == in_need_rate


def test_lait_unknown_measure_and_polarity_are_problems():
    dictionary = (
        "Measure_code,Measure_short,Measure,Polarity,y_axis_name\n"
        '1,LAC,Children looked after,Sideways,"Rate per 10,000"\n'
    )
    extract = "Short Desc,Years,LA and Regions,Values,LA Number\nLAC,2024,Cumberland,93,942.0\n"
    table = read_lait(io.BytesIO(extract.encode()), io.BytesIO(dictionary.encode()))
    assert [str(problem) for problem in table.problems] == [
        "Row 2, column `Polarity`: 'Sideways' is not a polarity (High, Low or -)"
    ]
    good_dictionary = dictionary.replace("Sideways", "Low")
    table = read_lait(io.BytesIO(extract.replace("LAC,", "LACX,").encode()), io.BytesIO(good_dictionary.encode()))
    assert [str(problem) for problem in table.problems] == [
        "Row 2, column `Short Desc`: measure `LACX` is not in the LAIT dictionary"
    ]
    assert table.records == []


# ------------------------------------------------------------------------------------------- ONS population


def test_ons_population_of_children_by_la_and_year(population):
    assert population.problems == []
    assert population.years() == list(range(2012, 2025))
    assert population.estimate(2022, "909") == Decimal("90547")
    assert population.estimate(2022, "E10000006") == Decimal("90547")
    assert population.estimate(2023, "909") is None  # Cumbria was gone by mid-2023
    assert population.estimate(2023, "942") == Decimal("52019")
    assert population.estimate(2024, "E92000001") == Decimal("12183016")
    assert population.estimate(2024, "E12000002") == Decimal("1627558")
    assert population_year("2024") == population_year("202324") == 2023
    assert population.denominator_for("2024", "943") == Decimal("39177")


def test_cla_population_column_is_the_ons_estimate_of_the_june_before(tables, population):
    checked = 0
    for record in tables[CLA_2025].records:
        if record.measure == "population_estimate" and record.value is not None:
            code = record.old_la_code or record.area_code
            assert population.denominator_for(record.time_period, code) == record.value, record
            checked += 1
    assert checked > 2000
    # Keyed by DfE's LA number, because the new codes changed: North Yorkshire was E10000023 until 2023
    assert population.denominator_for("2023", "815") == population.denominator_for("2023", "E10000023")
    assert population.denominator_for("2023", "E06000065") is None


# ------------------------------------------------------------------------------------------- reorganisation


def test_partnership_count_is_cumbria_then_the_sum_of_the_two_new_authorities(tables):
    on_31_march = tables[CLA_2025].select(population_type=ON_31_MARCH_2025)
    series = {record.time_period: record for record in cumbria_partnership(on_31_march, Count("children_count"))}

    assert {period: record.value for period, record in series.items()} == {
        "2021": Decimal("736"),
        "2022": Decimal("734"),
        "2023": Decimal("740"),
        "2024": Decimal("729"),
        "2025": Decimal("719"),
    }
    cumberland = one(on_31_march, time_period="2024", old_la_code="942", measure="children_count").value
    wf = one(on_31_march, time_period="2024", old_la_code="943", measure="children_count").value
    assert series["2024"].value == cumberland + wf
    assert series["2024"].note == "Cumberland (942) 482 + Westmorland and Furness (943) 247 = 729"
    assert series["2024"].geographic_level == COMBINED
    assert series["2024"].new_la_code == "CUMBRIA-PARTNERSHIP"
    assert series["2023"].note == "Cumbria (909) 740"


def test_partnership_rate_is_recomputed_not_averaged(tables, population):
    on_31_march = tables[CLA_2025].select(population_type=ON_31_MARCH_2025)

    def published(code, measure):
        return one(on_31_march, time_period="2024", old_la_code=code, measure=measure).value

    numbers = published("942", "children_count") + published("943", "children_count")
    children = published("942", "population_estimate") + published("943", "population_estimate")
    mean_of_rates = (published("942", "rate_per_10000") + published("943", "rate_per_10000")) / 2

    from_file = cumbria_partnership(on_31_march, Rate("children_count", denominator="population_estimate"))
    from_ons = cumbria_partnership(on_31_march, Rate("children_count", population=population))
    rate = one(from_file, time_period="2024").value

    assert rate == round(numbers / children * 10_000, 1) == Decimal("79.9")
    assert (published("942", "rate_per_10000"), published("943", "rate_per_10000")) == (Decimal("93"), Decimal("63"))
    assert mean_of_rates == Decimal("78")
    assert rate != mean_of_rates
    assert [record.value for record in from_file] == [record.value for record in from_ons]
    assert one(from_file, time_period="2023").value == Decimal("81.7")  # Cumbria's own 740 / 90,547 (published: 82)
    assert one(from_ons, time_period="2024").note == (
        "children_count (482 + 247) / children aged 0-17 (ONS) (52019 + 39177) × 10,000 = 79.9 "
        "for Cumberland (942) and Westmorland and Furness (943)"
    )


def test_partnership_referral_rate_and_rereferral_percentage(tables, population):
    records = tables[C1].records
    referral_rate = cumbria_partnership(records, Rate("referral_count", measure="referral_rate", population=population))
    rereferral = cumbria_partnership(records, Percentage("rereferral_count", "referral_count", "rereferral_percent"))

    assert one(referral_rate, time_period="2024").value == Decimal("412.4")  # (2375 + 1386) / (52019 + 39177)
    assert one(referral_rate, time_period="2023").value == Decimal("330.1")  # Cumbria, as LAIT publishes it
    percent = one(rereferral, time_period="2024").value
    published = [
        one(records, time_period="2024", old_la_code=code, measure="rereferral_percent").value
        for code in ("942", "943")
    ]
    assert percent == round(Decimal(253 + 103) / Decimal(2375 + 1386) * 100, 1) == Decimal("9.5")
    assert sum(published) / 2 == Decimal("9.05")
    assert percent != sum(published) / 2
    assert [record.time_period for record in rereferral] == [str(year) for year in range(2013, 2026)]


def test_combined_figure_is_none_when_a_part_is_suppressed_or_missing(tables):
    # Before 1 April 2023 the CLA file has rows for the new authorities, with "x" and "z"
    combined = combine_areas(
        tables[CLA_2025].select(population_type=ON_31_MARCH_2025),
        [CUMBERLAND, WESTMORLAND_AND_FURNESS],
        into_code="CW",
        into_name="Cumberland and Westmorland and Furness",
        kind=Count("children_count"),
    )
    before = one(combined, time_period="2023")
    assert (before.value, before.symbol) == (None, "z")
    assert before.note == (
        "No combined figure: Cumberland (942) `children_count` is 'z' (not applicable); "
        "Westmorland and Furness (943) `children_count` is 'z' (not applicable)."
    )
    only_one_part = [record for record in tables[CLA_2025].records if record.old_la_code != "943"]
    combined = combine_areas(
        only_one_part, ["942", "943"], into_code="CW", into_name="CW", kind=Count("children_count")
    )
    missing = one(combined, time_period="2025", population_type=ON_31_MARCH_2025)
    assert missing.value is None
    assert "943 has no `children_count` figure" in missing.note


def test_a_lait_rate_is_combined_by_weighing_each_authoritys_rate_by_its_children(dfe_dir, population, lookup):
    lait = read_lait(dfe_dir / LAIT, dfe_dir / LAIT_DICTIONARY, la_lookup=lookup)
    looked_after = [record for record in lait.records if record.measure == "LAC"]

    combined = cumbria_partnership(looked_after, WeightedRate("LAC", population=population))

    after = one(combined, time_period="2024")
    # (93 × 52,019 + 63 × 39,177) / 91,196: LAIT's whole-number rates, so 0.2 from the 79.9 the counts give.
    assert after.value == Decimal("80.1")
    assert after.note == (
        "LAC weighted by children aged 0-17 (ONS): (Cumberland (942) 93 × 52,019 + Westmorland and Furness (943) "
        "63 × 39,177) / 91,196 = 80.1, from the published rates (rounded as published), as no counts are published"
    )
    # Where a part has no figure ("-" before it existed) there is none, and the note says which.
    assert one(combined, time_period="2021").value is not None  # Cumbria alone
    cin = cumbria_partnership(
        [record for record in lait.records if record.measure == "CIN"], WeightedRate("CIN", population=population)
    )
    assert one(cin, time_period="2025").value == Decimal("350.5")  # the EES figure from the counts, too


def test_a_weighted_rate_has_no_figure_without_a_population_estimate(dfe_dir, lookup):
    class NoPopulation:
        def denominator_for(self, time_period, code):
            return None

    lait = read_lait(dfe_dir / LAIT, dfe_dir / LAIT_DICTIONARY, la_lookup=lookup)
    combined = combine_areas(
        [record for record in lait.records if record.measure == "LAC"],
        [CUMBERLAND, WESTMORLAND_AND_FURNESS],
        into_code="CW",
        into_name="CW",
        kind=WeightedRate("LAC", population=NoPopulation()),
    )
    found = one(combined, time_period="2025")
    assert found.value is None
    assert "Cumberland (942) has no ONS population estimate for the year before 2025" in found.note


def test_englands_authorities_each_year_are_those_dfe_lists(tables):
    # Every children in need file lists one row per authority and year: the count the quartile rule uses.
    for name in (B1, C1, D3):
        by_year: dict[str, set[str]] = {}
        for record in tables[name].records:
            if record.geographic_level == "Local authority":
                by_year.setdefault(record.time_period, set()).add(record.old_la_code)
        assert {year: len(codes) for year, codes in by_year.items()} == {
            year: authorities_in_england(int(year) - 1) for year in by_year
        }, name
    assert authorities_in_england(2030) == 153  # a later year keeps the last count


@pytest.mark.parametrize(("symbol", "nothing"), [("z", True), ("[z]", True), ("-", True), ("", True), ("c", False)])
def test_a_not_applicable_row_says_nothing_about_an_authority_but_a_withheld_one_does(symbol, nothing):
    assert says_nothing(symbol) is nothing


def test_rate_needs_exactly_one_kind_of_denominator(population):
    with pytest.raises(ValueError, match="either a denominator measure or a population"):
        Rate("children_count")
    with pytest.raises(ValueError, match="either a denominator measure or a population"):
        Rate("children_count", denominator="population_estimate", population=population)


# ------------------------------------------------------------------------------------------------ revisions


def test_the_2025_release_revised_earlier_years_of_the_2024_release(tables):
    old = CLA_RELEASE_2024_AS_2025.apply(tables[CLA_2024].records)
    diff = diff_releases(old, tables[CLA_2025].records)

    by_key = {(r.time_period, r.area_code, r.measure, r.new.filters["population_type"]): r for r in diff.changed}
    wf = by_key[("2024", "943", "children_count", ON_31_MARCH_2025)]
    assert (wf.old.value, wf.new.value, wf.change) == (Decimal("246"), Decimal("247"), Decimal("1"))
    assert (
        str(wf)
        == "2024 Westmorland and Furness (943) children_count [Children looked after on 31 March each year]: 246 → 247"
    )
    cumbria = by_key[("2023", "909", "population_estimate", ON_31_MARCH_2025)]
    assert (cumbria.old.value, cumbria.new.value) == (Decimal("90472"), Decimal("90547"))
    scilly = by_key[("2023", "420", "children_count", ON_31_MARCH_2025)]
    assert (scilly.old.value, scilly.new.value, scilly.new.symbol) == (Decimal("0"), None, "z")
    assert ("2022", "909", "children_count", ON_31_MARCH_2025) not in by_key  # 734 in both releases
    assert diff.changed_periods() == ["2021", "2022", "2023", "2024"]
    assert {record.time_period for record in diff.added} == {"2025"}
    assert {record.time_period for record in diff.removed} == {"2020"}
    assert diff.unchanged > 4000


def test_without_harmonising_the_renamed_measures_do_not_meet(tables):
    diff = diff_releases(tables[CLA_2024].records, tables[CLA_2025].records)
    assert not [revision for revision in diff.changed if revision.measure in ("number", "children_count")]
    assert {record.measure for record in diff.removed} >= {"number"}


# ------------------------------------------------------------------------------------------------ bad input

HEADER = ",".join(
    [
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "new_la_code",
        "old_la_code",
        "la_name",
    ]
)


def csv_bytes(*rows: str, header: str = HEADER + ",cla_number,cla_rate") -> io.BytesIO:
    return io.BytesIO("\n".join([header, *rows]).encode("utf-8"))


def la_row(new="E06000063", old="942", name="Cumberland", number="482", rate="93", period="2024") -> str:
    area = f"Local authority,E92000001,England,E12000002,North West,{new},{old},{name}"
    return f"{period},Reporting year,{area},{number},{rate}"


def messages(table) -> list[str]:
    return [str(problem) for problem in table.problems]


def test_a_good_small_file_reads():
    table = read_ees_csv(csv_bytes(la_row(), la_row("E06000064", "943", "Westmorland and Furness", "247", "63")))
    assert table.ok
    assert [(r.old_la_code, r.measure, r.value) for r in table.records] == [
        ("942", "cla_number", Decimal("482")),
        ("942", "cla_rate", Decimal("93")),
        ("943", "cla_number", Decimal("247")),
        ("943", "cla_rate", Decimal("63")),
    ]
    assert table.source == "upload"


def test_missing_required_columns_are_named():
    header = "time_identifier,geographic_level,country_code,new_la_code,old_la_code,la_name,cla_rate"
    table = read_ees_csv(
        csv_bytes("Reporting year,Local authority,E92000001,E06000063,942,Cumberland,93", header=header)
    )
    assert messages(table) == ["The file has no `time_period` column"]
    assert table.records == []

    header = "time_period,country_code,la_name,cla_rate"
    table = read_ees_csv(csv_bytes("2024,E92000001,Cumberland,93", header=header))
    assert messages(table) == ["The file has no `time_identifier` column", "The file has no `geographic_level` column"]


def test_a_header_that_is_not_on_row_one_is_explained():
    table = read_ees_csv(csv_bytes(la_row(), header="Children looked after,,,,,,,,,,,"))
    assert (
        "The first row must be the header (time_period, time_identifier, geographic_level, …); "
        "this file's first row starts 'Children looked after, , , '." in messages(table)
    )


def test_local_authority_rows_need_an_la_code_column():
    header = "time_period,time_identifier,geographic_level,country_code,la_name,cla_rate"
    table = read_ees_csv(csv_bytes("2024,Reporting year,Local authority,E92000001,Cumberland,93", header=header))
    assert messages(table) == ["The file has no `new_la_code` or `old_la_code` column, which local-authority rows need"]


def test_a_requested_measure_that_is_missing_is_named():
    table = read_ees_csv(csv_bytes(la_row()), measures=["cla_number", "children_count"])
    assert messages(table) == ["The file has no `children_count` column"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"  \r\n\r\n", "The file is empty."),
        (b"\xef\xbb\xbf", "The file is empty."),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "This is not a CSV file or an Excel workbook (its content is not text).",
        ),
        (
            b"<!DOCTYPE html>\n<html><head><title>Explore education statistics</title></head><body></body></html>",
            "This is a web page (HTML), not a CSV file: download the data file itself rather than the page that "
            "links to it.",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "This is a PDF document, not a CSV file or an Excel workbook."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "This is an old-style Excel workbook (.xls): save it as an Excel workbook (.xlsx) or as CSV and try again.",
        ),
    ],
)
def test_files_that_are_not_csv_or_excel_are_refused(content, message):
    for table in (read_ees_csv(io.BytesIO(content)), read_table(io.BytesIO(content), "upload.csv")):
        assert messages(table) == [message]
        assert table.records == []


def test_a_zip_archive_is_refused_with_advice():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("data/cla.csv", HEADER + "\n")
    table = read_table(archive.getvalue(), "children-looked-after.zip")
    assert messages(table) == [
        "This is a ZIP archive, not a CSV file or an Excel workbook. Explore Education Statistics downloads come "
        "zipped: unzip it and upload the CSV file inside (in its data folder)."
    ]


def test_a_header_without_data_rows():
    assert messages(read_ees_csv(csv_bytes())) == ["The file has a header row but no data rows."]


def test_duplicate_rows_are_found_but_different_breakdowns_are_not_duplicates():
    header = HEADER + ",population_type,cla_number"
    cumberland = "2024,Reporting year,Local authority,E92000001,England,E12000002,North West,E06000063,942,Cumberland"
    table = read_ees_csv(
        csv_bytes(
            f"{cumberland},On 31 March,482",
            f"{cumberland},Starting,173",
            f"{cumberland},On 31 March,482",
            header=header,
        )
    )
    assert messages(table) == [
        "Row 4: this row repeats row 2: the same period (2024), area (Cumberland) "
        "and breakdown (population_type 'On 31 March')"
    ]
    assert table.records == []


def test_unknown_and_malformed_la_codes():
    known = {"942", "E06000063", "943", "E06000064"}
    table = read_ees_csv(
        csv_bytes(
            la_row(),
            la_row("E06000999", "999", "Nowhere"),
            la_row("E6000063", "942"),
            la_row("", "94"),
        ),
        known_la_codes=known,
    )
    assert messages(table) == [
        "Row 3, column `new_la_code`: 'E06000999' (Nowhere) is not a local authority we know",
        "Row 4, column `new_la_code`: 'E6000063' is not an LA code (such as E06000063)",
        "Row 5, column `old_la_code`: '94' is not a DfE LA number (three digits, such as 942)",
    ]


def test_known_la_codes_from_the_real_files_accept_them_all(tables):
    known = known_la_codes(tables[ONS].records)
    assert {"909", "E10000006", "942", "E06000063", "943", "E06000064"} <= known
    assert read_ees_csv(csv_bytes(la_row()), known_la_codes=known).ok


def test_a_value_that_is_not_a_number_or_a_symbol_names_row_and_column():
    rows = [la_row(number=str(400 + n), period=str(2000 + n)) for n in range(12)]  # rows 2 to 13
    rows.append(la_row(rate="abc", period="2023"))  # row 14
    table = read_ees_csv(csv_bytes(*rows, header=HEADER + ",cla_number,cla_rate".replace("cla_number", "children")))
    assert messages(table) == ["Row 14, column `cla_rate`: 'abc' is not a number or a DfE symbol"]
    assert table.problems == [ImportProblem(14, "cla_rate", "'abc' is not a number or a DfE symbol")]
    assert table.records == []
    with pytest.raises(DfeImportError, match="Row 14, column `cla_rate`"):
        table.raise_for_problems()


def test_every_problem_is_collected_not_just_the_first():
    table = read_ees_csv(
        csv_bytes(
            la_row(number="lots"),
            la_row(period="2023/24"),
            la_row(period="202325", rate='"1,2"'),
            "2024,Reporting year,,E92000001,England,,,,,,1,2",
        )
    )
    not_a_period = "is not an EES time period (a year such as 2024, or two years such as 202324)"
    assert messages(table) == [
        "Row 2, column `cla_number`: 'lots' is not a number or a DfE symbol",
        f"Row 3, column `time_period`: '2023/24' {not_a_period}",
        f"Row 4, column `time_period`: '202325' {not_a_period}",
        "Row 4, column `cla_rate`: '1,2' is not a number or a DfE symbol",
        "Row 5, column `geographic_level`: the cell is blank",
    ]


def test_a_thoroughly_broken_file_gives_a_readable_number_of_problems():
    rows = [la_row(number="n/a", rate="n/a", period=str(1000 + n)) for n in range(300)]
    assert messages(read_ees_csv(csv_bytes(*rows))) == [
        "The file has no measure columns (columns of numbers after the area columns); these columns hold only "
        "text: `cla_number`, `cla_rate`."
    ]
    problems = messages(read_ees_csv(csv_bytes(*rows), measures=["cla_number", "cla_rate"]))
    assert len(problems) == 501
    assert problems[0] == "Row 2, column `cla_number`: 'n/a' is not a number or a DfE symbol"
    assert problems[-1] == "… and 100 more problems not listed here."


def test_symbols_and_written_numbers():
    cells = [
        "c",
        "k",
        "u",
        "x",
        "z",
        "low",
        ".",
        ":",
        "..",
        "~",
        "[c]",
        "C",
        " x ",
        "",
        "1,234",
        "12 183 016",
        "1\u00a0234",
        "-5",
        "0.5",
        "22.6",
        "1e3",
    ]
    rows = [
        la_row(new=f"E0600{n:04d}", old=f"{100 + n}", name=f"LA {n}", number=f'"{cell}"')
        for n, cell in enumerate(cells)
    ]
    table = read_ees_csv(csv_bytes(*rows), measures=["cla_number"])
    assert table.ok
    assert [(record.value, record.symbol) for record in table.records] == [
        (None, "c"),
        (None, "k"),
        (None, "u"),
        (None, "x"),
        (None, "z"),
        (None, "low"),
        (None, "."),
        (None, ":"),
        (None, ".."),
        (None, "~"),
        (None, "c"),
        (None, "c"),
        (None, "x"),
        (None, None),
        (Decimal("1234"), None),
        (Decimal("12183016"), None),
        (Decimal("1234"), None),
        (Decimal("-5"), None),
        (Decimal("0.5"), None),
        (Decimal("22.6"), None),
        (Decimal("1E+3"), None),
    ]
    assert table.records[1].reason == "rounds to zero, but is not zero"
    assert table.records[13].reason == "blank"


def test_headers_are_matched_ignoring_case_spaces_order_and_bom():
    header = "\ufeff Old_LA_Code ,LA_Name,Time_Period,TIME_IDENTIFIER,Geographic_Level,Country_Code,New_LA_Code,"
    header += "Rate Per 10000"
    text = header + '\n942,"Cumberland, council",2024,Reporting year,Local authority,E92000001,E06000063,"1,234"\n'
    table = read_ees_csv(io.BytesIO(text.encode("utf-8")))
    assert table.ok, messages(table)
    record = table.records[0]
    assert (record.old_la_code, record.area_name, record.measure, record.value) == (
        "942",
        "Cumberland, council",
        "rate per 10000",
        Decimal("1234"),
    )
    assert table.columns["old_la_code"] == "Old_LA_Code"


def test_breakdown_columns_become_filters_listed_in_the_table():
    header = HEADER + ",cla_group,characteristic,number,percentage"
    base = "2024,Reporting year,Local authority,E92000001,England,E12000002,North West,E06000063,942,Cumberland"
    table = read_ees_csv(csv_bytes(f"{base},Gender,Total,482,100", f"{base},Gender,Male,260,54", header=header))
    assert table.filters == ["cla_group", "characteristic"]
    assert table.measures == ["number", "percentage"]
    total = table.select("number", characteristic="Total")
    assert [(record.filters, record.value) for record in total] == [
        ({"cla_group": "Gender", "characteristic": "Total"}, Decimal("482"))
    ]
    assert table.filter_values() == {"cla_group": ["Gender"], "characteristic": ["Total", "Male"]}


def test_a_numeric_breakdown_column_can_be_named_as_a_filter():
    header = HEADER + ",age,number"
    base = "2024,Reporting year,Local authority,E92000001,England,E12000002,North West,E06000063,942,Cumberland"
    table = read_ees_csv(csv_bytes(f"{base},10,5", f"{base},11,7", header=header), filters=["age"])
    assert (table.filters, table.measures) == (["age"], ["number"])
    assert [record.filters["age"] for record in table.records] == ["10", "11"]


def test_a_ragged_row_is_named():
    table = read_ees_csv(csv_bytes(la_row(), la_row(name="Cumberland, council")))
    assert messages(table) == [
        "Row 3: this row has 13 cells but the header has 12 columns (a name with a comma, not in quotes?)"
    ]


def test_blank_lines_are_skipped_without_shifting_row_numbers():
    table = read_ees_csv(csv_bytes(la_row(), "", ",,,,,,,,,,,", la_row(rate="oops", new="E06000064", old="943")))
    assert messages(table) == ["Row 5, column `cla_rate`: 'oops' is not a number or a DfE symbol"]
    good = read_ees_csv(csv_bytes(la_row(), "", la_row(new="E06000064", old="943")))
    assert (good.rows_read, good.blank_rows, [record.row for record in good.records]) == (2, 1, [2, 2, 4, 4])


def test_windows_1252_and_utf16_files_are_decoded():
    text = "\n".join([HEADER + ",cla_number", la_row(name="Cumberland – Café")[: -len(",93")]])
    table = read_ees_csv(io.BytesIO(text.encode("cp1252")))
    assert table.ok and table.records[0].area_name == "Cumberland – Café"
    tab_separated = text.replace(",", "\t")
    table = read_table(io.BytesIO(tab_separated.encode("utf-16")), "export.txt")
    assert table.ok, messages(table)
    assert table.records[0].value == Decimal("482")


# ---------------------------------------------------------------------------------------------------- Excel


def workbook_bytes(rows, merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXCEL_HEADER = HEADER.split(",") + ["cla_number", "cla_rate"]
EXCEL_ROW = [
    2024,
    "Reporting year",
    "Local authority",
    "E92000001",
    "England",
    "E12000002",
    "North West",
    "E06000063",
    942,
    "Cumberland",
    482,
    92.66,
]


def test_an_excel_workbook_reads_like_the_csv():
    westmorland = [*EXCEL_ROW[:7], "E06000064", 943, "Westmorland and Furness", "c", "c"]
    upload = io.BytesIO(workbook_bytes([EXCEL_HEADER, EXCEL_ROW, westmorland]))
    upload.name = "cla.xlsx"
    table = read_table(upload)
    assert table.ok, messages(table)
    assert table.source == "cla.xlsx"
    first = table.records[0]
    assert (first.time_period, first.old_la_code, first.value, first.row) == ("2024", "942", Decimal("482"), 2)
    assert table.records[1].value == Decimal("92.66")
    assert (table.records[2].value, table.records[2].symbol, table.records[2].row) == (None, "c", 3)


def test_excel_with_merged_header_cells_is_refused():
    content = workbook_bytes([EXCEL_HEADER, EXCEL_ROW], merge="B1:D1")
    table = read_table(content, "scorecard.xlsx")
    assert messages(table) == [
        "The header row has merged cells (B1:D1): unmerge them and give each column its own name."
    ]
    assert table.records == []


def test_excel_with_merged_data_cells_is_refused():
    content = workbook_bytes([EXCEL_HEADER, EXCEL_ROW, EXCEL_ROW], merge="C2:C3")
    assert messages(read_table(content, "scorecard.xlsx")) == [
        "Row 2: cells C2:C3 are merged: unmerge them and fill in each cell."
    ]


def test_excel_problems_name_rows_and_columns_too():
    content = workbook_bytes([EXCEL_HEADER, EXCEL_ROW, [2023, *EXCEL_ROW[1:10], "#DIV/0!", 5]])
    assert messages(read_table(content, "scorecard.xlsx")) == [
        "Row 3, column `cla_number`: '#DIV/0!' is not a number or a DfE symbol"
    ]


def test_read_table_goes_by_content_not_by_the_name():
    csv_named_xlsx = read_table(csv_bytes(la_row()), "looks-like-a.xlsx")
    assert csv_named_xlsx.ok and len(csv_named_xlsx.records) == 2
    xlsx_named_csv = read_table(workbook_bytes([EXCEL_HEADER, EXCEL_ROW]), "looks-like-a.csv")
    assert xlsx_named_csv.ok and len(xlsx_named_csv.records) == 2
    assert messages(read_ees_csv(workbook_bytes([EXCEL_HEADER, EXCEL_ROW]))) == [
        "This is an Excel workbook, not a CSV file."
    ]


def test_read_table_reads_a_real_file_by_path(dfe_dir, tables):
    table = read_table(dfe_dir / D3)
    assert table.ok and table.source == D3
    assert len(table.records) == len(tables[D3].records)
