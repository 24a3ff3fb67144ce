"""The one rule every app's demo follows: create what is missing, never change what exists; a mistake saves nothing."""

from __future__ import annotations

import io

import pytest

from cscp.demo_loading import DemoDataError, DemoLoader
from cscp.models import AuditEvent, Theme

pytestmark = pytest.mark.django_db


class ThemeDemo(DemoLoader):
    name = "Themes"
    event = "cscp.demo.seeded"
    labels = {"theme": "theme"}

    def load(self) -> None:
        existing = {t.name: t for t in Theme.objects.all()}
        for row in self.rows("themes.csv", ("name",), ("description", "since")):
            row.date("since", blank=True)
            values = {"name": row["name"], "description": row["description"]}
            self.ensure("theme", Theme, existing, row["name"], values, row)


def load(tmp_path, text: str) -> str:
    (tmp_path / "themes.csv").write_text(text, encoding="utf-8")
    out = io.StringIO()
    ThemeDemo(tmp_path).run(stdout=out)
    return out.getvalue()


def test_it_creates_what_is_missing_keeps_what_exists_and_says_what_it_created(tmp_path):
    Theme.objects.create(name="Neglect", description="Written in the browser")

    output = load(tmp_path, "name,description\nNeglect,From the file\nSafe sleep,From the file\n")

    assert output == "Themes: created 1 theme.\n"
    assert Theme.objects.get(name="Neglect").description == "Written in the browser"
    assert Theme.objects.get(name="Safe sleep").description == "From the file"
    assert AuditEvent.objects.get(action="cscp.demo.seeded").data == {"created": {"theme": 1}}
    assert load(tmp_path, "name,description\nNeglect,From the file\nSafe sleep,Changed in the file\n") == (
        "Themes: nothing to add.\n"
    )
    assert Theme.objects.get(name="Safe sleep").description == "From the file"
    assert AuditEvent.objects.count() == 1


def test_a_mistake_names_the_file_line_and_column_and_saves_nothing(tmp_path):
    with pytest.raises(DemoDataError, match=r"themes\.csv, line 3, column since: enter a date as YYYY-MM-DD"):
        load(tmp_path, "name,since\nSafe sleep,2026-01-01\nNeglect,January\n")
    assert not Theme.objects.exists()


def test_a_file_whose_header_lacks_a_column_is_refused(tmp_path):
    with pytest.raises(DemoDataError, match=r"themes\.csv, line 1: the first row must name .* \(missing: name\)"):
        load(tmp_path, "title\nSafe sleep\n")


def test_a_row_with_more_cells_than_columns_is_refused(tmp_path):
    with pytest.raises(DemoDataError, match=r"line 2: this row has more cells .* \(put text with commas in double"):
        load(tmp_path, "name,description\nSafe sleep,Babies, and their parents\n")


def test_a_thing_listed_twice_is_refused(tmp_path):
    with pytest.raises(DemoDataError, match=r"line 3: this theme is listed twice: keep one row"):
        load(tmp_path, "name\nSafe sleep\nSafe sleep\n")
