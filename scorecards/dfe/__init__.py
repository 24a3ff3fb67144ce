"""Readers for the Department for Education's published children's social care statistics.

Pure code (pandas, openpyxl), no database: each reader turns a published file into clean, validated records
(or a list of problems, and then no records), for the importer to save. See docs/dfe-imports.md.

    read_ees_csv / read_table   Explore Education Statistics CSV (or Excel) → EesTable of EesRecords
    read_sn_2021 / read_sn_2025 statistical neighbours → NeighbourModel
    read_lait                   LAIT extract + dictionary → LaitTable (records + MeasureInfo with polarity)
    read_ons_population         ONS children aged 0-17 → Population (denominators of per-10,000 rates)
    combine_areas               reorganised areas: counts summed, rates recomputed (cumbria_partnership)
    diff_releases               what a later release revised (Harmonisation renames between releases)
"""

from .ees import GEOGRAPHY, known_la_codes, la_lookup, normalise_name, read_ees_csv, read_table
from .lait import HIGHER, LOWER, NONE, LaitTable, MeasureInfo, read_lait, read_lait_dictionary
from .neighbours import CLOSENESS, Neighbour, NeighbourGroup, NeighbourModel, read_sn_2021, read_sn_2025
from .population import CHILDREN_0_TO_17, Population, population_year, read_ons_population
from .records import (
    COMBINED,
    LOCAL_AUTHORITY,
    NATIONAL,
    REGIONAL,
    DfeImportError,
    EesRecord,
    EesTable,
    ImportProblem,
)
from .reorganisation import (
    CUMBERLAND,
    CUMBRIA,
    FIRST_YEAR_AFTER_REORGANISATION,
    WESTMORLAND_AND_FURNESS,
    Area,
    Count,
    Percentage,
    Rate,
    WeightedRate,
    combine_areas,
    cumbria_partnership,
    year_ending,
)
from .revisions import CLA_RELEASE_2024_AS_2025, Harmonisation, ReleaseDiff, Revision, diff_releases
from .symbols import LAIT_SYMBOLS, SYMBOLS

__all__ = [
    "CHILDREN_0_TO_17",
    "CLA_RELEASE_2024_AS_2025",
    "CLOSENESS",
    "COMBINED",
    "CUMBERLAND",
    "CUMBRIA",
    "FIRST_YEAR_AFTER_REORGANISATION",
    "GEOGRAPHY",
    "HIGHER",
    "LAIT_SYMBOLS",
    "LOCAL_AUTHORITY",
    "LOWER",
    "NATIONAL",
    "NONE",
    "REGIONAL",
    "SYMBOLS",
    "WESTMORLAND_AND_FURNESS",
    "Area",
    "WeightedRate",
    "Count",
    "DfeImportError",
    "EesRecord",
    "EesTable",
    "Harmonisation",
    "ImportProblem",
    "LaitTable",
    "MeasureInfo",
    "Neighbour",
    "NeighbourGroup",
    "NeighbourModel",
    "Percentage",
    "Population",
    "Rate",
    "ReleaseDiff",
    "Revision",
    "combine_areas",
    "cumbria_partnership",
    "diff_releases",
    "known_la_codes",
    "la_lookup",
    "normalise_name",
    "population_year",
    "read_ees_csv",
    "read_lait",
    "read_lait_dictionary",
    "read_ons_population",
    "read_sn_2021",
    "read_sn_2025",
    "read_table",
    "year_ending",
]
