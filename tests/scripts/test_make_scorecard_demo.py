"""The scorecard demo's committed files are exactly what scripts/make_scorecard_demo.py makes from its definitions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "make_scorecard_demo.py"
COMMITTED = ROOT / "scorecards" / "demo_data"


def make(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), *args], capture_output=True, text=True, check=False
    )


def test_running_the_script_makes_exactly_the_committed_files(tmp_path):
    result = make(tmp_path)

    assert result.returncode == 0, result.stderr
    made = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    # The published figures beside them (published/) are made by scripts/extract_published_figures.py.
    committed = {path.name: path.read_bytes() for path in COMMITTED.iterdir() if path.is_file()}
    assert sorted(made) == sorted(committed)
    different = [name for name in made if made[name] != committed[name]]
    assert not different, f"Run scripts/make_scorecard_demo.py and commit what it writes: {different} differ"
