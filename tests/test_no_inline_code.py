"""No inline script, style or event handler on any page, for any role: the Content-Security-Policy allows
only our own files (JavaScript in course/static only)."""

import re

import pytest

from .test_every_page import ROLES, _values, get_routes

INLINE = [
    ("inline script", re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)),
    ("style element", re.compile(r"<style[\s>]", re.I)),
    ("style attribute", re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)),
    ("event handler attribute", re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)),
    ("javascript: link", re.compile(r"href\s*=\s*[\"']?\s*javascript:", re.I)),
]


def inline_code(html: str) -> list[str]:
    return [name for name, pattern in INLINE if pattern.search(html)]


def test_the_check_finds_inline_code():
    assert inline_code('<p style="color:red">') == ["style attribute"]
    assert inline_code("<script>alert(1)</script>") == ["inline script"]
    assert inline_code('<button onclick="x()">') == ["event handler attribute"]
    assert inline_code('<script src="/static/harbour.js" defer></script><p>style= is fine in text</p>') == []


@pytest.mark.parametrize("login", ROLES, ids=lambda r: r[0] if r else "logged-out")
def test_no_page_has_inline_code(demo, client, auth, login):
    values = _values(demo)
    if login:
        auth.login(*login)
    checked = 0
    for rule in get_routes(demo):
        url = rule.build({arg: values[arg] for arg in rule.arguments}, append_unknown=False)[1]
        response = client.get(url, follow_redirects=True)
        if response.mimetype != "text/html":
            continue
        assert inline_code(response.get_data(as_text=True)) == [], url
        checked += 1
    assert checked >= 5
