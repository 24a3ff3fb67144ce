"""The Department for Education's published files, read where they lie (never copied into the repository)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.dfe_files import DFE_DIR  # noqa: F401 - the tests here import it from this module too


@pytest.fixture(scope="session")
def dfe_dir() -> Path:
    """The folder of published DfE files: skipped when absent locally, a failure when CI=true."""
    if not DFE_DIR.is_dir():
        message = (
            f"The DfE published files are not at {DFE_DIR}: the tests that read them need that folder "
            "(see docs/dfe-imports.md)."
        )
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return DFE_DIR
