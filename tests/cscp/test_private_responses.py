"""What a signed-in person is shown is not kept by browsers or proxies: pages, PDFs, exports and files."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "url_name",
    ["cscp:home", "cscp:membership-report-pdf", "actions:list", "actions:export-csv", "actions:export-xlsx"],
)
def test_every_signed_in_response_says_not_to_store_it(client_for, url_name):
    response = client_for("admin").get(reverse(url_name))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_a_refusal_to_a_signed_in_person_is_not_stored_either(client_for):
    response = client_for("outsider").get(reverse("cscp:person-list"))
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store, private"


def test_the_public_pages_may_be_cached(client, db):
    response = client.get(reverse("cscp:accessibility"))
    assert "no-store" not in response.get("Cache-Control", "")
