"""Access rows for people and their memberships, the audit log and the membership report.

Managing people is for partnership admins only: a chair may not read another group's chair's page, nor add
or end anyone's memberships, even in their own group. The rows use the other subgroup's chair and the other
agency's Section 11 lead, so a pass means "refused for someone else's", not "refused for nothing".
"""

from cscp.models import AgencyMembership, GroupMembership
from tests.access.matrix import ADMIN_ONLY, PostRow, Row, posts, statuses
from tests.conftest import PERSONAS


def other_chair(p) -> dict:
    return {"pk": p.other_chair.pk}


def other_chairs_membership(p) -> dict:
    return {"pk": GroupMembership.objects.get(person=p.other_chair).pk}


def other_s11leads_membership(p) -> dict:
    return {"pk": AgencyMembership.objects.get(person=p.other_s11lead).pk}


ROWS = [
    Row("cscp:person-list", ADMIN_ONLY),
    Row("cscp:person-invite", ADMIN_ONLY),
    Row("cscp:person-detail", ADMIN_ONLY, kwargs=other_chair, note="another group's chair"),
    Row("cscp:person-edit", ADMIN_ONLY, kwargs=other_chair, note="another group's chair"),
    Row("cscp:person-deactivate", ADMIN_ONLY, kwargs=other_chair, note="another group's chair"),
    Row("cscp:person-reactivate", ADMIN_ONLY, kwargs=other_chair, note="another group's chair"),
    # POST-only: a signed-in GET is refused as a method; anonymous is sent to sign in first.
    Row(
        "cscp:person-resend-invitation",
        statuses(405, to=PERSONAS),
        kwargs=other_chair,
        note="a GET to a POST-only action",
    ),
    Row("cscp:group-membership-add", ADMIN_ONLY, kwargs=other_chair, note="another group's chair"),
    Row(
        "cscp:agency-membership-add",
        ADMIN_ONLY,
        kwargs=lambda p: {"pk": p.other_s11lead.pk},
        note="another agency's Section 11 lead",
    ),
    # Even a chair may not add members to a group: appointments are the partnership team's.
    Row(
        "cscp:group-member-add", ADMIN_ONLY, kwargs=lambda p: {"group_pk": p.subgroup.pk}, note="the chair's own group"
    ),
    Row(
        "cscp:agency-member-add",
        ADMIN_ONLY,
        kwargs=lambda p: {"agency_pk": p.other_agency.pk},
        note="the officer's and auditor's own agency",
    ),
    Row("cscp:group-membership-end", ADMIN_ONLY, kwargs=other_chairs_membership, note="another group's chair"),
    Row(
        "cscp:agency-membership-end",
        ADMIN_ONLY,
        kwargs=other_s11leads_membership,
        note="another agency's Section 11 lead",
    ),
    Row("cscp:audit-log", ADMIN_ONLY),
    # The Board reads who sits where; so do the admins who keep it up to date.
    Row("cscp:membership-report", statuses(to=("admin", "board"))),
    Row("cscp:membership-report-pdf", statuses(to=("admin", "board"))),
]

POSTS = [
    PostRow("cscp:person-resend-invitation", posts(to=("admin",)), kwargs=other_chair, note="another group's chair"),
]
