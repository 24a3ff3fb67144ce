"""Links are offered only to those the page behind them opens to (the crawl in
tests/access/test_no_links_to_refusals.py finds them; these say each one plainly)."""

from django.urls import reverse
from django.utils import timezone

from cscp.impact.models import Escalation
from tests.cscp.actions.helpers import make_action
from tests.cscp.impact.factories import EscalationFactory


def test_a_board_member_on_a_decided_escalation_is_not_offered_to_raise_an_action(client_for, partnership):
    escalation = EscalationFactory(
        raised_by_group=partnership.subgroup,
        status=Escalation.Status.DECIDED,
        decision="Recovery plan",
        decided_at=timezone.now(),
    )
    raise_url = reverse("impact:escalation-action-create", args=[escalation.pk])
    page = client_for("board").get(reverse("impact:escalation-detail", args=[escalation.pk])).content.decode()
    assert raise_url not in page
    assert client_for("board").get(raise_url).status_code == 403
    # The raising group's chair, who may raise it, is offered it.
    assert (
        raise_url in client_for("chair").get(reverse("impact:escalation-detail", args=[escalation.pk])).content.decode()
    )


def test_an_agency_lead_sees_the_owning_group_named_not_linked(client_for, partnership):
    action = make_action(partnership, owner_group=partnership.subgroup, owner_agency=partnership.agency)
    page = client_for("s11lead").get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert partnership.subgroup.name in page
    assert reverse("actions:group", args=[partnership.subgroup.pk]) not in page
    assert reverse("actions:agency", args=[partnership.agency.pk]) in page
    chair_page = client_for("chair").get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert reverse("actions:group", args=[partnership.subgroup.pk]) in chair_page
