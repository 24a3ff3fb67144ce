"""Themes: the partnership's tags for evidence, read by everyone with a part in it and kept by admins."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cscp.models import AuditEvent, Theme
from tests.cscp.structure_helpers import error_beside, has_error_summary, last_event
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def neglect(partnership):
    return ThemeFactory(name="Neglect", description="Chronic neglect of children's needs")


def test_the_theme_list_sends_an_anonymous_visitor_to_sign_in(client_for):
    assert client_for(None).get(reverse("cscp:theme-list")).status_code == 302


def test_an_outsider_may_not_read_the_themes(client_for):
    assert client_for("outsider").get(reverse("cscp:theme-list")).status_code == 403


@pytest.mark.parametrize("persona", ["chair", "s11lead", "board"])
def test_members_read_the_themes_without_links_to_change_them(client_for, neglect, persona):
    ThemeFactory(name="Old theme", is_active=False)
    response = client_for(persona).get(reverse("cscp:theme-list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Neglect" in page and "Retired" in page
    assert "Add a theme" not in page
    assert reverse("cscp:theme-edit", args=[neglect.pk]) not in page


def test_an_admin_sees_links_to_add_and_change_themes(client_for, neglect):
    page = client_for("admin").get(reverse("cscp:theme-list")).content.decode()
    assert reverse("cscp:theme-create") in page
    assert reverse("cscp:theme-edit", args=[neglect.pk]) in page


def test_an_admin_adds_a_theme(client_for, partnership):
    client = client_for("admin")
    assert client.get(reverse("cscp:theme-create")).status_code == 200

    response = client.post(
        reverse("cscp:theme-create"), {"name": "Child exploitation", "description": "", "is_active": ""}
    )

    assert response.status_code == 302 and response["Location"] == reverse("cscp:theme-list")
    theme = Theme.objects.get(name="Child exploitation")
    assert theme.is_active  # a new theme is in use: the posted is_active was not on the form
    assert last_event("cscp.theme.created").actor == partnership["admin"]
    assert theme.history.get().history_user == partnership["admin"]


@pytest.mark.parametrize("typed", ["neglect", "NEGLECT", " Neglect "])
def test_a_theme_is_the_same_theme_whatever_its_case(client_for, neglect, typed):
    response = client_for("admin").post(reverse("cscp:theme-create"), {"name": typed})

    assert response.status_code == 200 and has_error_summary(response)
    assert error_beside(response, "name") == ["There is already a theme called “Neglect”: enter a different name"]
    assert Theme.objects.count() == 1


def test_a_theme_needs_a_name(client_for, partnership):
    response = client_for("admin").post(reverse("cscp:theme-create"), {"name": ""})
    assert error_beside(response, "name") == ["Enter the theme's name"]
    assert not Theme.objects.exists()


def test_an_admin_retires_a_theme_and_keeps_its_history(client_for, neglect, partnership):
    client = client_for("admin")
    assert client.get(reverse("cscp:theme-edit", args=[neglect.pk])).status_code == 200

    response = client.post(
        reverse("cscp:theme-edit", args=[neglect.pk]), {"name": "Neglect", "description": neglect.description}
    )

    assert response.status_code == 302
    neglect.refresh_from_db()
    assert not neglect.is_active
    event = last_event("cscp.theme.updated")
    assert event.actor == partnership["admin"] and event.data["changes"] == {"is_active": ["True", "False"]}
    assert neglect.history.count() == 2
    assert "Retired" in client.get(reverse("cscp:theme-list")).content.decode()


def test_a_theme_may_change_the_case_of_its_own_name(client_for, neglect):
    response = client_for("admin").post(
        reverse("cscp:theme-edit", args=[neglect.pk]), {"name": "NEGLECT", "is_active": "on"}
    )
    assert response.status_code == 302
    neglect.refresh_from_db()
    assert neglect.name == "NEGLECT"


def test_a_theme_cannot_take_another_themes_name(client_for, neglect):
    other = ThemeFactory(name="Exploitation")
    response = client_for("admin").post(
        reverse("cscp:theme-edit", args=[other.pk]), {"name": "neglect", "is_active": "on"}
    )
    assert error_beside(response, "name") == ["There is already a theme called “Neglect”: enter a different name"]
    other.refresh_from_db()
    assert other.name == "Exploitation"
    assert not AuditEvent.objects.filter(action="cscp.theme.updated").exists()


@pytest.mark.parametrize("persona", ["board", "chair", "scrutineer"])
def test_only_an_admin_may_add_or_change_a_theme(client_for, neglect, persona):
    client = client_for(persona)
    assert client.get(reverse("cscp:theme-create")).status_code == 403
    assert client.post(reverse("cscp:theme-create"), {"name": "Mine"}).status_code == 403
    assert client.get(reverse("cscp:theme-edit", args=[neglect.pk])).status_code == 403
    assert client.post(reverse("cscp:theme-edit", args=[neglect.pk]), {"name": "Mine"}).status_code == 403
    assert list(Theme.objects.values_list("name", flat=True)) == ["Neglect"]
