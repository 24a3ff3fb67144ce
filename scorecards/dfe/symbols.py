"""DfE's symbols for "no value", and the reading of one measure cell.

The Department for Education's published files put a symbol instead of a number where there is no figure to
show. The children looked after data guidance (cla_data-guidance_release2023.txt, "Rounding and suppression")
lists c, z, x and k; the children in need files also use u; the Government Statistical Service standard adds
"low" (the successor of k) and bracketed forms such as "[c]"; older tables used ".", ".." and ":". A symbol is
never a number: the cell has no value and the symbol is kept as the reason.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

SYMBOLS: dict[str, str] = {
    "c": "confidential: suppressed to protect confidentiality",
    "k": "rounds to zero, but is not zero",
    "low": "rounds to zero, but is not zero",
    "~": "rounds to zero, but is not zero",
    "u": "low reliability",
    "x": "not available",
    "z": "not applicable",
    ":": "not available",
    "..": "not available",
    ".": "not applicable",
}

# LAIT (Local Authority Interactive Tool) writes "-" where it has no figure for an authority and year.
LAIT_SYMBOLS: dict[str, str] = {**SYMBOLS, "-": "no figure in LAIT for this authority and year"}

# Digits in groups of three may be separated by commas or (non-breaking, thin) spaces: 12,183,016 or 12 183 016.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[,\s\u00a0\u2009\u202f]\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SEPARATORS = re.compile(r"[,\s\u00a0\u2009\u202f]")

BLANK = ""


def symbol_of(text: str, symbols: dict[str, str] = SYMBOLS) -> str | None:
    """The DfE symbol that `text` is (case-insensitive, "[c]" as well as "c"), or None."""
    key = text.strip().lower()
    if len(key) > 2 and key[0] == "[" and key[-1] == "]":
        key = key[1:-1].strip()
    return key if key in symbols else None


def number_of(text: str) -> Decimal | None:
    """The number written in `text` ("1,234", "12 183 016", "22.6", "-3"), or None if it is not one."""
    text = text.strip()
    if _PLAIN.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            return None
    if _GROUPED.fullmatch(text):
        return Decimal(_SEPARATORS.sub("", text))
    return None


def parse_measure(text: str, symbols: dict[str, str] = SYMBOLS) -> tuple[Decimal | None, str | None, bool]:
    """Read one measure cell: (value, symbol, ok).

    A number gives (value, None, True); a DfE symbol gives (None, symbol, True); a blank cell gives
    (None, None, True); anything else gives (None, None, False).
    """
    stripped = text.strip()
    if stripped == BLANK:
        return None, None, True
    value = number_of(stripped)
    if value is not None:
        return value, None, True
    symbol = symbol_of(stripped, symbols)
    if symbol is not None:
        return None, symbol, True
    return None, None, False


def reason_for(symbol: str | None, symbols: dict[str, str] = LAIT_SYMBOLS) -> str:
    """What a symbol means, for messages and notes: "'c' (confidential: suppressed …)"."""
    if symbol is None:
        return "blank"
    return f"'{symbol}' ({symbols.get(symbol, 'no value')})"
