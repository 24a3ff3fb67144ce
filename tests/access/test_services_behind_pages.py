"""Every service that changes something on a person's behalf is reached through a page the access matrix checks.

A service taking `actor` is a write someone asks for. The page that offers it decides who may ask, and the access
matrix checks that page as every persona: its GET, and a POST (refused the same way as the GET, nothing written).
So each such service must be called by a view whose URL has a row; a service no page calls is either dead code or
run by the system (a schedule, the demo), which the list below says with its reason. A new service without a page
fails here until someone decides which it is.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.access.test_access_matrix import POSTS, ROWS

ROOT = Path(__file__).resolve().parents[2]
SERVICE_MODULES = [
    "cscp.services",
    "cscp.actions.services",
    "cscp.impact.services",
    "cscp.boardpack.services",
    "scorecards.services",
    "scorecards.imports.runs",
]
VIEW_FILES = sorted([*ROOT.glob("cscp/views/*.py"), *ROOT.glob("cscp/*/views.py"), *ROOT.glob("scorecards/views*.py")])
# Services that take an actor but that no page calls, and why.
RUN_BY_THE_SYSTEM = {
    "cscp.services.record_create": "the generic create the other structure services are built on",
    "cscp.services.record_update": "the generic update the other structure services are built on",
    "cscp.impact.services.evidence_link_add": "for the evidence apps to link what they hold to an update; no page yet",
    "scorecards.services.comparator_setup": "run by the DfE import and the demo loader",
    "scorecards.services.indicator_create": "the demo loader and the set-up pages still to come (issue: set-up pages)",
    "scorecards.services.indicator_update": "the demo loader and the set-up pages still to come (issue: set-up pages)",
    "scorecards.services.target_set": "the demo loader and the set-up pages still to come (issue: set-up pages)",
    "scorecards.services.milestone_set": "the demo loader and the set-up pages still to come (issue: set-up pages)",
}


def _writes() -> list[str]:
    found = []
    for name in SERVICE_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(value) or value.__module__ != name:
                continue
            if "actor" in inspect.signature(value).parameters:
                found.append(f"{name}.{attr}")
    return sorted(found)


@functools.cache
def _calls_by_view() -> dict[str, set[str]]:
    """{"module.view_function": {names it calls or refers to}}, nested functions and lambdas counted as its own."""
    calls: dict[str, set[str]] = {}
    for path in VIEW_FILES:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                names = calls.setdefault(f"{module}.{node.name}", set())
                # A service is called, or handed to a helper that calls it (`service=services.action_close`).
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Attribute):
                        names.add(inner.attr)
                    elif isinstance(inner, ast.Name):
                        names.add(inner.id)
    return calls


@functools.cache
def _reached() -> dict[str, set[str]]:
    return _helpers_reaching(_calls_by_view())


def _helpers_reaching(calls: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each view's calls with those of its own module's helpers that it calls (two levels deep)."""
    by_short = {}
    for qualified in calls:
        module, _, short = qualified.rpartition(".")
        by_short[(module, short)] = qualified
    reached = {name: set(found) for name, found in calls.items()}
    for _ in range(2):
        for qualified, found in reached.items():
            module = qualified.rpartition(".")[0]
            for name in list(found):
                helper = by_short.get((module, name))
                if helper and helper != qualified:
                    found |= reached[helper]
    return reached


@functools.cache
def _url_names_by_view() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}

    def walk(patterns, namespaces: tuple[str, ...]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, (*namespaces, pattern.namespace) if pattern.namespace else namespaces)
            elif isinstance(pattern, URLPattern) and pattern.name:
                callback = inspect.unwrap(pattern.callback)
                view = f"{callback.__module__}.{callback.__name__}"
                found.setdefault(view, set()).add(":".join((*namespaces, pattern.name)))

    walk(get_resolver().url_patterns, ())
    return found


WRITES = _writes()


def test_the_list_of_system_services_names_only_services_that_exist():
    assert not set(RUN_BY_THE_SYSTEM) - set(WRITES), sorted(set(RUN_BY_THE_SYSTEM) - set(WRITES))


@pytest.mark.parametrize("service", WRITES)
def test_each_write_is_offered_by_a_page_the_access_matrix_checks(service: str):
    if service in RUN_BY_THE_SYSTEM:
        pytest.skip(RUN_BY_THE_SYSTEM[service])
    short = service.rpartition(".")[2]
    reached = _reached()
    views = sorted(view for view, names in reached.items() if short in names)
    assert views, f"No view calls {service}: add its page, or say in RUN_BY_THE_SYSTEM who runs it and why"
    urls = _url_names_by_view()
    checked = {row.url_name for row in ROWS} | {row.url_name for row in POSTS}
    routed = {name for view in views for name in urls.get(view, set())}
    assert routed, f"{service} is called by {views}, but none of them is routed"
    assert routed <= checked, f"{service}'s pages {sorted(routed - checked)} have no row in the access matrix"
