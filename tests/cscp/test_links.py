"""The one check for links people type: a page of this service or a web address, nothing a browser would read as
another site or a script."""

import pytest

from cscp.links import is_safe_link


@pytest.mark.parametrize("url", ["/impact/updates/3/", "/", "https://www.gov.uk/x?y=1#z", "http://intranet.example/a"])
def test_pages_of_the_service_and_web_addresses_are_links(url):
    assert is_safe_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,hi",
        "//evil.example/x",
        "/\\evil.example/x",
        "/\tevil",
        "https://",
        "https:///path",
        "ftp://example.org/file",
        "https://evil.example/a b",
        "https://evil.example/\x00",
        "https://[::1",
        "relative/page",
    ],
)
def test_anything_a_browser_could_read_as_another_site_or_a_script_is_not(url):
    assert not is_safe_link(url)
