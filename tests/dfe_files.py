"""Where the Department for Education's published files lie for the tests that read them (never copied into the
repository): beside the checkout, as the team's shared folder lies, or where DFE_DATA_DIR says for a checkout
elsewhere (CI sets it when its clone is not beside the shared folder)."""

from __future__ import annotations

import os
from pathlib import Path

DFE_DIR = Path(os.environ.get("DFE_DATA_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "data" / "dfe")
