"""The Node.js tools some tests read Harbour's exports with (tests/scorm/package.json: gift-pegjs, scorm-again).

Under CI (CI=true) a missing tool fails the test; elsewhere it skips and says how to install it.
"""

import os
import shutil
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parent / "scorm"


def node_package(name: str) -> Path:
    """The installed package's folder, or a skip (a failure under CI) naming the command that installs it."""
    folder = NODE_DIR / "node_modules" / name
    if shutil.which("node") and folder.is_dir():
        return folder
    message = f"{name} is not installed: run `npm ci --prefix tests/scorm` (needs Node.js)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
