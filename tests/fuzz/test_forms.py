"""Every form the product shows, filled in every way people (and scripts) can fill it in: no input may cause a
server error, and a submission that is refused changes nothing.

How the forms are found. The access matrix (tests/access/matrix_<area>.py) already has a row for every URL
the product defines (tests/access/test_access_matrix.py fails the build for a URL without one) and knows how to
build each URL with real objects for every persona. So this suite walks the same rows: for each row, it asks
for the page as a persona the row allows (the admin when allowed, else the first persona allowed) and looks
in the response's template context for the Django forms the page rendered. Each form is then matched with the
HTML `<form>` that holds its fields, which says whether it is posted or sent as a query string (a filter).
A new page with a form is therefore fuzzed as soon as it has its access row, with no code here.

How each form is fuzzed. Hypothesis fills the form's own fields, by the kind of Django field (text up to and
past `max_length`, unicode and control characters, numbers of every size and sign, exponents, NaN, dates that
do not exist, choices that are not offered, file fields with random bytes), leaves fields out, and adds fields
the form does not have. Most fields usually get a plausible value, so submissions get past the form and reach
the services too. For each submission it asserts: no 5xx; and when the answer is not a redirect (the
submission was refused), no table gained or lost a row (history tables and the audit log included, so an edit
shows too). A form sent by GET must also write nothing.

A form this suite cannot fill (a field kind it has no strategy for, a formset) fails the build, naming the
page and the field: add a strategy in `_plausible`/`_hostile` rather than leaving the form unfuzzed.

Speed: one partnership and the row's objects per URL (one database for all of a form's examples), one SQL
query to count every table, and EXAMPLES (below) set so that `make test` stays within its time.
"""

from __future__ import annotations

import datetime
import os
import string
from html.parser import HTMLParser

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms.formsets import BaseFormSet
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access.test_access_matrix import ROWS, _row_id

# Examples per form: 200 in `make test` and CI (all ~70 forms in about 3 minutes on two cores; the action
# pages are the dearest, about 15 s each). `FUZZ_EXAMPLES=25` for a quick run while working on a form,
# `FUZZ_EXAMPLES=2000` for a long one.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# What the page rendered ---------------------------------------------------------------------------------------


class _HTMLForms(HTMLParser):
    """Each <form> of a page: its method and the names of the controls inside it."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(((attrs.get("method") or "get").lower(), set()))
            self._open = True
        elif self._open and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            self.forms[-1][1].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False


def _html_names(form: forms.BaseForm, name: str, field: forms.Field) -> list[str]:
    html_name = form.add_prefix(name)
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        return [html_name + suffix for suffix in widget.widgets_names]
    return [html_name]


def _forms_in(response) -> list:
    found, seen = [], set()
    for context in response.context or []:
        for layer in getattr(context, "dicts", [context]):
            if not isinstance(layer, dict):
                continue
            for value in layer.values():
                if isinstance(value, forms.BaseForm | BaseFormSet) and id(value) not in seen:
                    seen.add(id(value))
                    found.append(value)
    return found


def _method_of(form: forms.BaseForm, html: _HTMLForms) -> str | None:
    """The method of the HTML form holding most of this form's fields; None when the page shows none of them."""
    names = {html_name for name, field in form.fields.items() for html_name in _html_names(form, name, field)}
    best, overlap = None, 0
    for method, inside in html.forms:
        shared = len(names & inside)
        if shared > overlap:
            best, overlap = method, shared
    return best


# What to type -------------------------------------------------------------------------------------------------

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "\x00abc",
    "a\x07b\x1b[31m",
    "\r\n\t",
    "\u202e\u200b\ufeff",
    "😀" * 50,
    "<script>alert(1)</script>",
    "'; DROP TABLE cscp_person; --",
    "../../../../etc/passwd",
    "%s%n{0}{{ x }}",
    "NaN",
    "-Infinity",
    "1e999999",
    "1e9999999999",
    "-1e-999999",
    "9" * 400,
    "-" + "9" * 30,
    "0x1F",
    "1,2,3.4.5",
    "31/02/2025",
    "0000-00-00",
    "9999-12-31",
    "2025-13-45",
    "javascript:alert(1)",
    "http://",
    "//evil.example",
]
numbers = st.one_of(
    st.integers().map(str),
    st.integers(-(10**40), 10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-99, 99), st.integers(-(10**10), 10**10)),
)
any_text = st.text(max_size=80) | st.text(st.characters(codec="utf-8"), max_size=20)


def _too_long(field) -> st.SearchStrategy[str]:
    limit = getattr(field, "max_length", None) or 1000
    return st.integers(limit - 2, limit + 60).map(lambda n: "x" * max(n, 0))


def _choice_values(field) -> list[str]:
    values = []
    for value, label in field.choices:
        if isinstance(label, list | tuple):
            values.extend(str(inner) for inner, _ in label)
        else:
            values.append(str(value))
    return [value for value in values if value != ""] or [""]


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    # A browser sends a file's name without its folders; a name that is only folders or dots it sends as no name.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return SimpleUploadedFile(
        base if base not in ("", ".", "..") else "file", content, content_type="application/octet-stream"
    )


uploads = st.builds(
    _upload,
    st.one_of(st.sampled_from(["minutes.pdf", "data.csv", "book.xlsx", "a.exe", ".pdf", "x" * 300 + ".pdf"]), any_text),
    st.binary(max_size=2000) | st.sampled_from([b"%PDF-1.4\n%%EOF", b"code,name\n1,2\n", b"MZ\x90\x00" + b"\x00" * 60]),
)
today = datetime.date.today()


def _plausible(field: forms.Field) -> st.SearchStrategy | None:
    """Values a person could well type or choose; None when the suite has no strategy for the field."""
    if isinstance(field, forms.FileField):
        return uploads
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return st.lists(st.sampled_from(_choice_values(field)), max_size=3, unique=True)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return st.sampled_from(_choice_values(field))
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return st.sampled_from(["on", "true", "false", ""])
    if isinstance(field, forms.MultiValueField):  # the GOV.UK date input: day, month, year
        return st.builds(
            lambda d: [str(d.day), str(d.month), str(d.year)],
            st.dates(today - datetime.timedelta(days=800), today + datetime.timedelta(days=800)),
        )
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return st.dates(datetime.date(1990, 1, 1), datetime.date(2040, 1, 1)).map(str)
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.integers(0, 1000).map(str)
    if isinstance(field, forms.EmailField):
        return st.emails().map(str)
    if isinstance(field, forms.URLField):
        return st.sampled_from(["https://example.org/minutes", "https://www.gov.uk/", "/actions/"])
    if isinstance(field, forms.CharField):
        limit = field.max_length or 200
        return st.text(
            string.ascii_letters + string.digits + " .,-'", min_size=1, max_size=min(limit, 60)
        ) | st.sampled_from(["12", "2025-04", "A plain sentence about the partnership."])
    return None


def _hostile(field: forms.Field) -> st.SearchStrategy:
    if isinstance(field, forms.FileField):
        return st.one_of(uploads, st.sampled_from(HOSTILE_TEXT))
    if isinstance(field, forms.MultiValueField):
        parts = st.one_of(st.sampled_from(HOSTILE_TEXT), numbers, any_text, st.integers(0, 99999).map(str))
        return st.lists(parts, min_size=len(field.fields), max_size=len(field.fields))
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return st.lists(st.one_of(st.sampled_from(HOSTILE_TEXT), numbers), max_size=3)
    return st.one_of(st.sampled_from(HOSTILE_TEXT), numbers, any_text, _too_long(field))


def _strategies(form: forms.BaseForm) -> list[tuple[list[str], st.SearchStrategy, st.SearchStrategy]]:
    """Each field's HTML names and its plausible and hostile values, worked out once: the choices come from the
    database, which the form's own successful submissions change."""
    return [(_html_names(form, name, field), _plausible(field), _hostile(field)) for name, field in form.fields.items()]


def _payload(fields, data: st.DataObject) -> dict:
    payload: dict = {}
    for html_names, plausible, hostile in fields:
        how = data.draw(st.integers(0, 9), label=f"how {html_names[0]}")
        if how == 9:
            continue  # left out
        value = data.draw(plausible if how < 6 else hostile, label=html_names[0])
        if len(html_names) > 1:
            parts = value if isinstance(value, list) else [value] * len(html_names)
            payload.update(zip(html_names, parts, strict=False))
        else:
            payload[html_names[0]] = value
    names = st.text(string.ascii_lowercase + "-_", min_size=1, max_size=12)
    extra = data.draw(st.dictionaries(names, any_text, max_size=2), label="extra fields")
    for key, value in extra.items():
        payload.setdefault(key, value)
    return payload


def _unfuzzable(form) -> list[str]:
    if isinstance(form, BaseFormSet):
        return [f"a formset ({type(form).__name__}): add formset support to tests/fuzz/test_forms.py"]
    return [
        f"{type(form).__name__}.{name} is a {type(field).__name__}, which has no strategy here"
        for name, field in form.fields.items()
        if _plausible(field) is None
    ]


# What was written ---------------------------------------------------------------------------------------------


# Apps that write on a refused submission by design: django-axes records each failed sign-in (that is how it
# locks out guessing); django-otp notes a failed code. Signing in writes a session.
WRITES_WHEN_REFUSED = {"sessions", "axes", "otp_totp", "otp_static"}


# Pages whose refusals are recorded on purpose: a failed sign-in goes in the audit log.
RECORDED_WHEN_REFUSED = {"cscp:sign-in": {"cscp_auditevent"}}


def _counter():
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label not in WRITES_WHEN_REFUSED and not model._meta.proxy and model._meta.managed
    )
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608

    def count() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return dict(zip(tables, cursor.fetchone(), strict=True))

    return count


# The suite ------------------------------------------------------------------------------------------------------


def _persona(row) -> str | None:
    allowed = [persona for persona, status in row.expect.items() if persona != "anonymous" and status == 200]
    if not allowed:
        return None
    return "admin" if "admin" in allowed else allowed[0]


def _first_row_per_url(rows):
    """Rows for the same URL differ in whose object it is (another group's, the chair's own): the form is the
    same, so it is fuzzed once, with the first row's objects."""
    seen, kept = set(), []
    for row in rows:
        if _persona(row) and row.url_name not in seen:
            seen.add(row.url_name)
            kept.append(row)
    return kept


FORM_ROWS = _first_row_per_url(ROWS)


@pytest.mark.parametrize("row", FORM_ROWS, ids=_row_id)
def test_every_form_on_the_page_survives_any_input(row, partnership, client_for):
    persona = _persona(row)
    url = reverse(row.url_name, kwargs=row.kwargs(partnership))
    client = client_for(persona)
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} as {persona}: {page.status_code}"
    found = _forms_in(page)
    if not found:
        pytest.skip("the page renders no form")
    html = _HTMLForms()
    html.feed(page.content.decode(errors="replace"))
    problems = [problem for form in found for problem in _unfuzzable(form)]
    assert not problems, f"GET {url} renders forms this suite cannot fill:\n  " + "\n  ".join(problems)
    count = _counter()
    for form in found:
        method = _method_of(form, html)
        if method is None:
            continue  # in the context but not on the page (a form shown only in another state)
        about = f"{method.upper()} {url} as {persona} ({type(form).__name__})"
        _fuzz(client, url, form, method, count, about, RECORDED_WHEN_REFUSED.get(row.url_name, set()))


def _fuzz(client, url, form, method, count, about, recorded):
    fields = _strategies(form)

    @FUZZ
    @given(st.data())
    def submit(data):
        payload = _payload(fields, data)
        before = count()
        if method == "post":
            response = client.post(url, payload)
        else:
            response = client.get(url, {k: v for k, v in payload.items() if not hasattr(v, "read")})
        assert response.status_code < 500, f"{about}: {response.status_code}"
        if method != "post" or response.status_code not in (301, 302, 303):
            after = count()
            changed = sorted(table for table in after if after[table] != before[table] and table not in recorded)
            assert not changed, f"{about}: answered {response.status_code}, yet rows changed in {changed}"

    submit()
