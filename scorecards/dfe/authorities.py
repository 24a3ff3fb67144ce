"""How many local authorities England had in each year: the whole set a quartile in England is computed from.

A quartile says where a figure sits among *all* of England's authorities, so it can only be given when the figures
held cover all of them, or nearly all (`scorecards.judgements.QUARTILE_COVERAGE`). A LAIT extract of 22 authorities
does not. The count comes from DfE's children in need files (b1, c1, d3: one row per authority and year ending
31 March, 2013 to 2025), which every children's social care release follows:

- 152 authorities to 2018-19;
- 151 from 2019-20: Bournemouth, Christchurch and Poole replaced Bournemouth and Poole (1 April 2019);
- 152 from 2021-22: North and West Northamptonshire replaced Northamptonshire (1 April 2021);
- 153 from 2023-24: Cumberland and Westmorland and Furness replaced Cumbria (1 April 2023).

The Isles of Scilly and the City of London are counted, as DfE lists them (often with figures withheld). A year
after the last one here has the last count until a release says otherwise; the scorecard also takes the number of
authorities the imported figures themselves name, when that is more.
"""

from __future__ import annotations

# Financial year (by its first calendar year: 2023 is 2023-24) from which each count applies.
_COUNTS_FROM = ((2012, 152), (2019, 151), (2021, 152), (2023, 153))

# DfE's symbols for "this authority has no such figure because it did not exist or the measure does not apply"
# (`z`, `.`), and LAIT's "-" (no figure for that authority and year): such a row says nothing about the authority,
# unlike a figure withheld for a small number (`c`), which is a figure we know exists but may not be shown.
NOT_APPLICABLE = frozenset({"z", ".", "-"})


def authorities_in_england(financial_year: int) -> int:
    """England's local authorities (with children's services) in the financial year starting in `financial_year`."""
    count = _COUNTS_FROM[0][1]
    for first_year, authorities in _COUNTS_FROM:
        if financial_year >= first_year:
            count = authorities
    return count


def says_nothing(symbol: str | None) -> bool:
    """Whether a row with no figure and this symbol tells us nothing about the authority (see NOT_APPLICABLE)."""
    code = (symbol or "").strip().lower()
    if len(code) > 2 and code[0] == "[" and code[-1] == "]":
        code = code[1:-1].strip()
    return not code or code in NOT_APPLICABLE
