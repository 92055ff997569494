"""No inline script, style or event handler on any page, for any role: the Content-Security-Policy allows
only our own files (JavaScript in course/static only). tests/test_every_page.py applies this check to
every page for every role."""

import re

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
