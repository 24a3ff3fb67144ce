#!/usr/bin/env python3
"""Say plainly what this machine lacks before `make run` or `make test` tries to use it.

Runs with the system's python3, before the virtual environment exists, so it uses the standard library only.
"""

import ctypes.util
import shutil
import sys

problems = []
if sys.version_info < (3, 11):  # noqa: UP036 - this script runs on the system Python, before .venv
    problems.append(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
try:
    import ensurepip  # noqa: F401
    import venv  # noqa: F401
except ImportError:
    problems.append("Python's venv module is missing: sudo apt-get install python3-venv")

# WeasyPrint (PDF reports) needs Pango and HarfBuzz's subsetter, and a font with metrics like Arial.
missing_packages = []
if not ctypes.util.find_library("pango-1.0"):
    missing_packages.append("libpango-1.0-0 libpangoft2-1.0-0")
if not ctypes.util.find_library("harfbuzz-subset"):
    missing_packages.append("libharfbuzz-subset0")
if not shutil.which("fc-list"):
    missing_packages.append("fontconfig")
if "--test" in sys.argv and not shutil.which("pdftotext"):
    missing_packages.append("poppler-utils")
if missing_packages:
    problems.append(
        "PDF reports need system libraries that are missing. Install them with:\n"
        f"    sudo apt-get install {' '.join(missing_packages)} fonts-liberation"
    )

if problems:
    print("This machine is not ready yet:\n", file=sys.stderr)
    for problem in problems:
        print(f"- {problem}", file=sys.stderr)
    sys.exit(1)
if "--test" in sys.argv and not shutil.which("chromium"):
    print("Note: Chromium is not installed, so the browser tests will be skipped (apt-get install chromium).")
