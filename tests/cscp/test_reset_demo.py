"""Starting the demo again is its own command: it says what it will delete and asks first."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cscp.actions.models import Action
from cscp.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEMO = True
    call_command("seed_demo", stdout=StringIO())


def test_it_says_what_it_will_delete_and_deletes_nothing_unless_told_to(demo, monkeypatch):
    Person.objects.create(username="someone-new", email="someone@example.org")
    asked = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")
    out = StringIO()
    call_command("reset_demo", stdout=out)
    text = out.getvalue()
    assert f"{Person.objects.count():,} people" in text and f"{Action.objects.count():,} actions" in text
    assert asked and "reset" in asked[0]
    assert "Nothing was deleted." in text
    assert Person.objects.filter(username="someone-new").exists()


# Deleting everything is done outside a test's transaction, as the command runs (PostgreSQL will not truncate
# tables with constraint checks still pending inside one).
@pytest.mark.django_db(transaction=True)
def test_typing_reset_deletes_everything_and_loads_the_demo_as_it_first_was(demo, monkeypatch):
    Person.objects.create(username="someone-new", email="someone@example.org")
    people = Person.objects.count()
    monkeypatch.setattr("builtins.input", lambda prompt: "reset")
    call_command("reset_demo", stdout=StringIO())
    assert not Person.objects.filter(username="someone-new").exists()
    assert Person.objects.count() == people - 1
    assert Action.objects.exists()


def test_it_refuses_where_demo_is_off(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="runs only where DEMO=true"):
        call_command("reset_demo", "--yes", stdout=StringIO())
