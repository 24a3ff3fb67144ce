"""The access matrix: every URL the product defines × every persona (and anonymous) → the status expected.

Each area of the product lists its rows in a module `tests/access/matrix_<area>.py` as `ROWS = [Row(...)]`.
`test_access_matrix.py` collects them all, fails for any URL with no row, and requests each URL as each
persona with a GET. Objects are chosen from the `partnership` fixture (tests/conftest.py): use another
group's or agency's object where that is what the row is about (e.g. `p.other_subgroup` for the chair).

A URL that takes only POST answers a GET with 405 whoever asks, which says nothing about who may use it; so
each such URL also has a `PostRow` in the module's `POSTS = [...]`: what each persona gets when they POST to it
(`DONE`, a redirect or a page, for those allowed; 403 or 404 for the rest), and, for everyone refused, that
nothing was written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import PERSONAS

EVERYONE = ("anonymous", *PERSONAS)
SIGN_IN = 302  # an anonymous visitor is sent to sign in


@dataclass(frozen=True)
class Row:
    url_name: str
    expect: dict[str, int]
    # Builds the URL's kwargs from the `partnership` fixture.
    kwargs: Callable[[object], dict] = field(default=lambda p: {})
    # Short text shown when the row fails, e.g. "another group's update".
    note: str = ""

    def __post_init__(self):
        missing = set(EVERYONE) - set(self.expect)
        extra = set(self.expect) - set(EVERYONE)
        assert not missing and not extra, f"{self.url_name}: missing {sorted(missing)}, unknown {sorted(extra)}"


def statuses(
    allowed: int = 200, *, to: tuple[str, ...] = (), others: int = 403, anonymous: int = SIGN_IN, **overrides: int
) -> dict[str, int]:
    """`statuses(to=("admin",))` → admin 200, every other persona 403, anonymous sent to sign in."""
    expect = {"anonymous": anonymous}
    for persona in PERSONAS:
        expect[persona] = allowed if persona in to else others
    expect.update(overrides)
    return expect


def everyone(status: int = 200, *, anonymous: int | None = None) -> dict[str, int]:
    """The same status for every persona; anonymous the same unless given."""
    return {"anonymous": status if anonymous is None else anonymous, **dict.fromkeys(PERSONAS, status)}


ADMIN_ONLY = statuses(to=("admin",))
SIGNED_IN = statuses(to=PERSONAS)


# A POST the person may make: answered with a page (200, say a refusal shown beside the form) or a redirect.
DONE = "done"


@dataclass(frozen=True)
class PostRow:
    url_name: str
    expect: dict[str, int | str]
    kwargs: Callable[[object], dict] = field(default=lambda p: {})
    # The form data posted, built from the `partnership` fixture.
    data: Callable[[object], dict] = field(default=lambda p: {})
    note: str = ""

    def __post_init__(self):
        missing = set(EVERYONE) - set(self.expect)
        extra = set(self.expect) - set(EVERYONE)
        assert not missing and not extra, f"{self.url_name}: missing {sorted(missing)}, unknown {sorted(extra)}"


def posts(*, to: tuple[str, ...], others: int = 403, **overrides: int | str) -> dict[str, int | str]:
    """`posts(to=("admin",))` → admin DONE, every other persona `others`, anonymous sent to sign in."""
    return statuses(DONE, to=to, others=others, **overrides)  # type: ignore[arg-type]
