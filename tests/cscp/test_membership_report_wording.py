"""The membership report says how often each group meets as a phrase ("meets every three months"), and says which
agency each member is from."""

import pytest

from cscp.models import Group, Partnership
from cscp.pdf import render_pdf
from cscp.reports import meets_phrase, membership_report_context
from tests.cscp.test_pdf import pdf_text
from tests.factories import AgencyMembershipFactory, GroupFactory, GroupMembershipFactory, PersonFactory


@pytest.mark.parametrize(
    ("cadence", "phrase"),
    [
        ("Every three months", "meets every three months"),
        ("every two months", "meets every two months"),
        ("Monthly.", "meets monthly"),
        ("  Quarterly  ", "meets quarterly"),
        ("Meets six times a year", "meets six times a year"),
        ("ICB-led, twice a year", "meets ICB-led, twice a year"),
        ("", ""),
    ],
)
def test_the_meeting_frequency_reads_as_a_phrase(cadence, phrase):
    assert meets_phrase(cadence) == phrase


def test_the_report_says_meets_every_three_months_and_each_members_agency(partnership):
    group = GroupFactory(name="Neglect Subgroup", kind=Group.Kind.SUBGROUP, meeting_cadence="Every three months")
    police = PersonFactory(username="sergeant", first_name="Sam", last_name="Sergeant")
    AgencyMembershipFactory(person=police, agency=partnership.agency)
    GroupMembershipFactory(group=group, person=police)
    GroupMembershipFactory(group=group, person=PersonFactory(username="unaffiliated"))

    text = " ".join(
        pdf_text(render_pdf("cscp/reports/membership_report_pdf.html", membership_report_context())).split()
    )

    assert "meets every three months" in text
    assert "Every three months" not in text
    assert "Agency" in text
    assert "Sam Sergeant" in text and "Cumbria Constabulary" in text


def test_the_page_shows_the_agency_column_too(client_for, partnership):
    page = " ".join(client_for("admin").get("/reports/membership/").content.decode().split())
    # The officer is the other agency's data officer and a member of the subgroup.
    assert '<th scope="col" class="govuk-table__header">Agency</th>' in page
    assert "Cumberland Council" in page


@pytest.mark.parametrize("groups", [5, 30])
def test_the_agencies_cost_one_query_however_many_members(partnership, django_assert_num_queries, groups):
    for n in range(groups):
        group = GroupFactory(name=f"Group {n:02}", parent=partnership.business)
        membership = GroupMembershipFactory(group=group)
        AgencyMembershipFactory(person=membership.person, agency=partnership.other_agency)
    Partnership.load()
    # The groups with their members, the partnership's settings, and the members' agencies.
    with django_assert_num_queries(4):
        membership_report_context()
