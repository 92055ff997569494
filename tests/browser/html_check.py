"""The Nu HTML Checker (vnu.jar, from the npm package vnu-jar in tests/tools/) over pages' HTML.

One Java start for a whole batch of pages: the checker takes many files at once. `npm ci` in
tests/tools/ installs it (.ci/run does); Java 11 or later runs it. Under CI a missing checker fails
the test; elsewhere the test skips and says how to install it.
"""

import json
import os
import shutil
import subprocess  # noqa: S404 (runs the checker, a fixed command)
import tempfile
from pathlib import Path

import pytest

JAR = Path(__file__).resolve().parent.parent / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def available() -> None:
    """Skip (or, under CI, fail) when the checker or Java is missing."""
    missing = [what for what, ok in (("Java", shutil.which("java")), (f"the checker at {JAR}", JAR.exists())) if not ok]
    if missing:
        message = f"HTML check needs {' and '.join(missing)}: run 'npm ci' in tests/tools (and install Java 17)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def check(pages: dict[str, str]) -> dict[str, list[str]]:
    """Errors per page label (warnings are not counted), as 'line N: message'."""
    if not pages:
        return {}
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for number, (label, html) in enumerate(pages.items()):
            path = Path(folder) / f"page-{number}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = label
        result = subprocess.run(  # noqa: S603 (a fixed command over files written just now)
            ["java", "-Xss8m", "-jar", str(JAR), "--format", "json", "--errors-only", "--exit-zero-always",
             *[str(Path(folder) / f"page-{n}.html") for n in range(len(pages))]],
            capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors: dict[str, list[str]] = {label: [] for label in pages}
    for message in report.get("messages", []):
        if message.get("type") != "error":
            continue
        url = message.get("url", "")
        label = files.get(url.rsplit("/", 1)[-1], url or "?")
        errors.setdefault(label, []).append(f"line {message.get('lastLine', '?')}: {message.get('message', '')}")
    return errors
