"""The Department for Education's published files, read where they lie (never copied into the repository)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Beside the checkout, as the team's shared folder lies; DFE_DATA_DIR names it for a checkout elsewhere.
DFE_DIR = Path(os.environ.get("DFE_DATA_DIR") or Path(__file__).parents[2].parent / "shared" / "data" / "dfe")


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
