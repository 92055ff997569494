"""Tokens in lesson text ({{service:helpline}}, {{school:name}}) and how they are filled per school."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

TOKEN = re.compile(r"\{\{\s*([a-z]+):([a-z_]+)\s*\}\}")

# Each role is one kind of service (help_directory.ROLE_KINDS says which kinds fit); the words are what a
# lesson shows where a school's directory has no service for the role.
SERVICE_ROLES = {
    "helpline": "a free helpline for young people",
    "report_abuse": "a service for reporting online abuse",
    "remove_images": "a service that removes images",
    "crisis": "a crisis line, open any time",
    "emergency": "the emergency services",
    "police_report": "the police",
}
SCHOOL_FIELDS = {"name", "safeguarding_contact"}


# A `::: region uk ie` block renders as this wrapper (content/markdown.py); each school sees only its own.
REGION_BLOCK = re.compile(r'<div class="region-text" data-regions="([a-z ]*)">\n?(.*?)</div>\n?', re.S)


def for_region(html: str, region: str) -> str:
    """The page as a school of `region` sees it: other regions' blocks removed, its own unwrapped."""
    if 'class="region-text"' not in html:
        return html
    return REGION_BLOCK.sub(lambda m: m.group(2) if region in m.group(1).split() else "", html)


def token_problems(text: str) -> list[tuple[int, str]]:
    """(line offset, message) for each token that names nothing."""
    problems = []
    for offset, line in enumerate(text.splitlines()):
        for match in TOKEN.finditer(line):
            kind, key = match.groups()
            if kind == "service" and key not in SERVICE_ROLES:
                problems.append((offset, f"unknown service role '{key}' in {match.group(0)} "
                                         f"(known: {', '.join(SERVICE_ROLES)})"))
            elif kind == "school" and key not in SCHOOL_FIELDS:
                problems.append((offset, f"unknown school field '{key}' in {match.group(0)} "
                                         f"(known: {', '.join(sorted(SCHOOL_FIELDS))})"))
            elif kind not in ("service", "school"):
                problems.append((offset, f"unknown token {match.group(0)}: use {{{{service:...}}}} or "
                                         "{{school:...}}"))
    return problems


@dataclass(frozen=True)
class ServiceMention:
    name: str
    contact: str  # "call 0800 1111", or "" when the service has no phone, text or address
    href: str = ""  # "tel:08001111", "sms:85258" or the service's web page: the contact as a link
    role: str = ""

    def html(self) -> str:
        name = f"<strong>{escape(self.name)}</strong>"
        if not self.contact:
            return name
        contact = escape(self.contact)
        if self.href:
            rel = ' rel="noreferrer noopener"' if self.href.startswith("http") else ""
            contact = (f'<a class="service-link" data-role="{escape(self.role)}" href="{escape(self.href)}"{rel}>'
                       f"{contact}</a>")
        return f"{name} ({contact})"

    def text(self) -> str:
        return f"{self.name} ({self.contact})" if self.contact else self.name


@dataclass(frozen=True)
class TokenValues:
    """What the tokens stand for at one school."""

    services: Mapping[str, ServiceMention]  # role -> the first service with that role
    school_name: str
    safeguarding_contact: str
    region: str = "uk"  # text in a `::: region` block for other regions is left out

    def _value(self, kind: str, key: str, as_html: bool) -> str:
        if kind == "service":
            mention = self.services.get(key)
            if mention is None:
                return SERVICE_ROLES.get(key, "a trusted adult")
            return mention.html() if as_html else mention.text()
        if key == "name":
            value = self.school_name
        else:
            value = self.safeguarding_contact or "your school's safeguarding lead"
        return escape(value) if as_html else value

    def fill_html(self, html: str) -> str:
        return TOKEN.sub(lambda m: self._value(m.group(1), m.group(2), True), for_region(html, self.region))

    def fill_text(self, text: str) -> str:
        return TOKEN.sub(lambda m: self._value(m.group(1), m.group(2), False), text)
