#!/usr/bin/env python3
"""Harbour's two commands, for a fresh clone on a machine with only Python 3.11+.

    python3 dev.py run    install, migrate, and start Harbour with demo data at http://127.0.0.1:5000
    python3 dev.py test   install, then run the whole test suite on every core (extra arguments go to pytest)
    python3 dev.py bench  install, then run the benchmark (bench/run.py; e.g. --engine sqlite --quick)

Both make a virtual environment in .venv and install Harbour into it; they reinstall only when
pyproject.toml changes.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (this file may be run by an older Python first)
        sys.exit("Harbour needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating a virtual environment in .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".harbour-installed-{extras or 'app'}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print("Installing Harbour and its dependencies ...", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", target], check=True, cwd=ROOT)
    stamp.write_text(wanted)


def flask(*args: str, env: dict) -> None:
    subprocess.run([str(PYTHON), "-m", "flask", "--app", "app", *args], check=True, cwd=ROOT, env=env)


def run() -> None:
    ensure_environment("")
    env = {**os.environ, "HARBOUR_DEMO": os.environ.get("HARBOUR_DEMO", "1"),
           "HARBOUR_DEV": os.environ.get("HARBOUR_DEV", "1")}
    flask("db", "upgrade", env=env)
    flask("demo", env=env)
    port = os.environ.get("PORT", "5000")
    print(f"\nHarbour is running at http://127.0.0.1:{port}  (Ctrl+C to stop)\n", flush=True)
    try:
        flask("run", "--host", "127.0.0.1", "--port", port, env=env)
    except KeyboardInterrupt:
        pass


# The tests' Node.js tools, each pinned by its package-lock.json: the sign-in tests' OpenID Connect provider,
# the parsers and LMS runtime that read Harbour's exports back (GIFT, SCORM), and the Nu HTML Checker.
NODE_TOOLS = (("tests/oidc", "oidc-provider"), ("tests/scorm", "scorm-again"), ("tests/tools", "vnu-jar"))


def ensure_node_tools() -> None:
    """Install the tests' Node.js tools when npm is here (without Node, those tests skip outside CI)."""
    npm = shutil.which("npm")
    for folder, package in NODE_TOOLS:
        if npm and not (ROOT / folder / "node_modules" / package).is_dir():
            print(f"Installing test tools (npm ci --prefix {folder}) ...", flush=True)
            subprocess.run([npm, "ci", "--prefix", folder, "--no-audit", "--no-fund", "--loglevel=error"],
                           check=False, cwd=ROOT)


def test(pytest_args: list[str]) -> int:
    ensure_environment("test")
    ensure_node_tools()
    # Every core by default (pytest-xdist; each worker has its own databases): pass -n 0 to run in one process.
    if not any(arg == "-n" or arg.startswith(("-n", "--numprocesses")) for arg in pytest_args):
        pytest_args = ["-n", "auto", *pytest_args]
    return subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT).returncode


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "run":
        run()
        return 0
    if command == "test":
        return test(sys.argv[2:])
    if command == "bench":
        ensure_environment("")
        return subprocess.run([str(PYTHON), "-m", "bench.run", *sys.argv[2:]], cwd=ROOT).returncode
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
