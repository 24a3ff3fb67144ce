"""Four eyes on every completion: whoever marked an action complete may not sign it off or record its impact; the
group's other chair or vice-chair, a Business Group member or the partnership team does. And the small things the
action's page said wrongly: a doubled source, a signed-off action tagged "Completed"."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cscp.actions import guards, services
from cscp.actions.models import Action
from cscp.models import AuditEvent
from tests.cscp.actions.helpers import complete, make_action

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _page(response) -> str:
    return response.content.decode()


def _errors(response) -> list[str]:
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', _page(response), re.S)
    if not summary:
        return []
    items = re.findall(r"<li>(.*?)</li>", summary.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


@pytest.fixture
def completed_by_chair(partnership):
    action = make_action(partnership)
    return complete(partnership, action, actor=partnership["chair"])


def test_completing_records_who_completed_it(completed_by_chair, partnership):
    assert completed_by_chair.completed_by == partnership["chair"]


def test_the_chair_cannot_sign_off_their_own_completion_and_nothing_changes(completed_by_chair, partnership):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.action_sign_off(actor=partnership["chair"], action=completed_by_chair)
    assert caught.value.messages == [guards.OWN_COMPLETION_SIGN_OFF]
    completed_by_chair.refresh_from_db()
    assert completed_by_chair.signed_off_at is None and completed_by_chair.signed_off_by is None
    assert AuditEvent.objects.count() == events


def test_the_vice_chair_signs_off_the_chairs_completion(completed_by_chair, vice_chair):
    services.action_sign_off(actor=vice_chair, action=completed_by_chair)
    completed_by_chair.refresh_from_db()
    assert completed_by_chair.signed_off_by == vice_chair


def test_a_business_group_member_may_sign_off_and_record_the_impact(completed_by_chair, partnership):
    services.action_sign_off(actor=partnership["business"], action=completed_by_chair)
    services.action_record_impact(
        actor=partnership["business"], action=completed_by_chair, made_difference="yes", finding="Fewer re-referrals"
    )
    completed_by_chair.refresh_from_db()
    assert completed_by_chair.stage == Action.Stage.IMPACT_TESTED


def test_an_admin_who_completed_it_may_not_sign_it_off_either(partnership):
    action = complete(partnership, make_action(partnership), actor=partnership["admin"])
    with pytest.raises(ValidationError):
        services.action_sign_off(actor=partnership["admin"], action=action)


def test_the_person_who_completed_it_may_not_record_its_impact(completed_by_chair, partnership, vice_chair):
    services.action_sign_off(actor=vice_chair, action=completed_by_chair)
    with pytest.raises(ValidationError) as caught:
        services.action_record_impact(
            actor=partnership["chair"], action=completed_by_chair, made_difference="yes", finding="Better"
        )
    assert caught.value.messages == [guards.OWN_COMPLETION_IMPACT]
    completed_by_chair.refresh_from_db()
    assert completed_by_chair.impact_tested_at is None and completed_by_chair.stage == Action.Stage.COMPLETED


def test_reopening_forgets_who_completed_it(completed_by_chair, partnership, vice_chair):
    services.action_reopen(actor=vice_chair, action=completed_by_chair, reason="Gaps found")
    completed_by_chair.refresh_from_db()
    assert completed_by_chair.completed_by is None
    # Completed again by the vice-chair this time: now the chair may sign it off.
    complete(partnership, completed_by_chair, actor=vice_chair)
    services.action_sign_off(actor=partnership["chair"], action=completed_by_chair)


# The pages.


def test_the_chair_is_not_offered_sign_off_of_their_own_completion(completed_by_chair, partnership, vice_chair):
    url = reverse("actions:detail", args=[completed_by_chair.pk])
    sign_off = f'href="{reverse("actions:sign-off", args=[completed_by_chair.pk])}"'
    assert sign_off not in _page(_client(partnership["chair"]).get(url))
    assert sign_off in _page(_client(vice_chair).get(url))


def test_signing_off_ones_own_completion_on_the_page_is_refused_clearly(completed_by_chair, partnership):
    client = _client(partnership["chair"])
    url = reverse("actions:sign-off", args=[completed_by_chair.pk])
    assert "someone else must sign it off" in _page(client.get(url))
    response = client.post(url)
    assert response.status_code == 200 and _errors(response) == [guards.OWN_COMPLETION_SIGN_OFF]
    completed_by_chair.refresh_from_db()
    assert completed_by_chair.signed_off_at is None


def test_admins_see_who_did_each_step(completed_by_chair, partnership, vice_chair):
    services.action_sign_off(actor=vice_chair, action=completed_by_chair)
    services.action_record_impact(
        actor=partnership["business"], action=completed_by_chair, made_difference="partly", finding="Some change"
    )
    url = reverse("actions:detail", args=[completed_by_chair.pk])
    page = _page(_client(partnership["admin"]).get(url))
    steps = page[page.index('id="steps-by"') :]
    steps = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", steps[: steps.index("</dl>")])))
    assert f"Completed by {partnership['chair']}," in steps
    assert f"Signed off by {vice_chair}," in steps
    assert f"Impact recorded by {partnership['business']}," in steps
    assert 'id="steps-by"' not in _page(_client(partnership["chair"]).get(url))


def test_a_signed_off_actions_tag_says_signed_off(completed_by_chair, vice_chair):
    services.action_sign_off(actor=vice_chair, action=completed_by_chair)
    page = _page(_client(vice_chair).get(reverse("actions:detail", args=[completed_by_chair.pk])))
    assert '<strong class="govuk-tag govuk-tag--purple">Signed off</strong>' in page
    assert ">Completed</strong>" not in page
    listed = _page(_client(vice_chair).get(reverse("actions:list") + "?status=signed_off"))
    assert completed_by_chair.reference in listed and ">Signed off</strong>" in listed


# Where the action came from, said once.


def test_a_source_reference_that_names_its_kind_is_not_doubled(partnership, client_for):
    action = make_action(
        partnership, source=Action.Source.SCRUTINY, source_reference="Scrutiny learning event: neglect, May 2026"
    )
    page = re.sub(r"\s+", " ", _page(client_for("chair").get(reverse("actions:detail", args=[action.pk]))))
    assert "Scrutiny learning event: neglect, May 2026" in page
    assert "Scrutiny learning event : Scrutiny learning event" not in page
    assert "Scrutiny learning event: Scrutiny learning event" not in page
    listed = re.sub(r"\s+", " ", _page(client_for("chair").get(reverse("actions:list"))))
    assert "Scrutiny learning event: Scrutiny learning event" not in listed


def test_a_plain_source_reference_follows_its_kind_without_a_stray_space(partnership, client_for):
    action = make_action(partnership, source_reference="LCSPR Child T, recommendation 3")
    page = re.sub(r"\s+", " ", _page(client_for("chair").get(reverse("actions:detail", args=[action.pk]))))
    assert "Practice review: LCSPR Child T, recommendation 3" in page
    assert action.source_text == "Practice review: LCSPR Child T, recommendation 3"
