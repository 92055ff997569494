"""Harbour under real gunicorn processes, for the tests that need servers rather than the test client."""

import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """For urllib openers: a redirect comes back as the response itself."""

    def redirect_request(self, *args, **kwargs):
        return None


def listening_port(server: subprocess.Popen, timeout: float = 60) -> int:
    """The port gunicorn got (it was told port 0) as it says on stderr; fails the test if it never listens."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = server.stderr.readline()
        if not line:
            if server.poll() is not None:
                break
            continue
        seen.append(line)
        found = _LISTENING.search(line)
        if found:
            return int(found.group(1))
    server.kill()
    pytest.fail("gunicorn did not start:\n" + "".join(seen))


def start_gunicorn(arguments: list[str], env: dict, timeout: float = 60) -> tuple[subprocess.Popen, int]:
    """gunicorn with these arguments, started from the project root; returns it and its port.

    Its stderr is read on a thread from then on, so a full pipe never blocks the server."""
    server = subprocess.Popen([str(BIN / "gunicorn"), *arguments, "app:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    port = listening_port(server, timeout)
    threading.Thread(target=server.stderr.read, daemon=True).start()
    return server, port
