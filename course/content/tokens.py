"""Tokens in lesson text ({{service:helpline}}, {{school:name}}) and how they are filled per school."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

TOKEN = re.compile(r"\{\{\s*([a-z]+):([a-z_]+)\s*\}\}")

SERVICE_ROLES = {
    "helpline": "a free helpline for young people",
    "report_abuse": "a service for reporting online abuse",
    "remove_images": "a service that removes images",
    "emergency": "the emergency services",
}
SCHOOL_FIELDS = {"name", "safeguarding_contact"}


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

    def html(self) -> str:
        if self.contact:
            return f"<strong>{escape(self.name)}</strong> ({escape(self.contact)})"
        return f"<strong>{escape(self.name)}</strong>"

    def text(self) -> str:
        return f"{self.name} ({self.contact})" if self.contact else self.name


@dataclass(frozen=True)
class TokenValues:
    """What the tokens stand for at one school."""

    services: Mapping[str, ServiceMention]  # role -> the first service with that role
    school_name: str
    safeguarding_contact: str

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
        return TOKEN.sub(lambda m: self._value(m.group(1), m.group(2), True), html)

    def fill_text(self, text: str) -> str:
        return TOKEN.sub(lambda m: self._value(m.group(1), m.group(2), False), text)
