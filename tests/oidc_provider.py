"""A real OpenID Connect provider for the sign-in tests: tests/oidc/provider.mjs (oidc-provider from npm,
OpenID Certified) started with Node on a free port of 127.0.0.1, stopped when the tests end, and a
helper that drives its login and consent pages with plain HTTP the way a browser would.

Under CI (CI=true) a missing Node or a missing `npm ci --prefix tests/oidc` fails; elsewhere the tests skip.
"""

import os
import re
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

HERE = Path(__file__).resolve().parent / "oidc"
REDIRECT_BASE = "http://localhost/login/sso/callback"
# The accounts and clients provider.mjs knows.
GOOGLE_CLIENT = ("google-like", "google-like-secret")
ENTRA_CLIENT = ("entra-like", "entra-like-secret")
GOOGLE_DOMAIN = "harbour-school.example"
ENTRA_TENANT = "11111111-2222-3333-4444-555555555555"
_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def oidc_provider():
    """The provider's issuer URL, e.g. http://127.0.0.1:40123."""
    node = shutil.which("node")
    if node is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        message = "Node and `npm ci --prefix tests/oidc` are needed for the OpenID Connect tests."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    process = subprocess.Popen([node, str(HERE / "provider.mjs")], cwd=HERE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "PORT": str(port), "REDIRECT_URI": REDIRECT_BASE})
    try:
        line = process.stdout.readline()
        if not line.startswith("ready "):
            raise RuntimeError(f"the OpenID Connect provider did not start: {line!r}")
        yield line.split()[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sign_in_at_provider(authorize_url: str, account: str) -> str:
    """Follow the authorization request through the provider's login and consent pages as `account`;
    return the URL the provider sends the browser back to (Harbour's callback, with code and state)."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    for _ in range(12):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(REDIRECT_BASE):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
            continue
        assert response.status_code == 200, f"provider answered {response.status_code}: {response.text[:300]}"
        action = urljoin(response.url, _ACTION.search(response.text).group(1))
        if 'value="login"' in response.text:
            data = {"prompt": "login", "login": account, "password": "any"}
        else:
            data = {"prompt": "consent"}
        response = browser.post(action, data=data, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back to Harbour")
