"""The help directory: one TOML file per region, listing where pupils (and staff) can get help."""

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .tokens import SERVICE_ROLES

AUDIENCES = ("pupil", "staff")

# What kind of service an entry is, in one word each; a lesson's {{service:ROLE}} must never send a child
# to the wrong kind (an image hotline for grooming, a crisis line as the children's helpline).
KINDS = {
    "helpline": "a helpline for children and young people: talk to someone",
    "child_protection": "a child-protection team that takes reports of grooming, threats and blackmail",
    "police": "the police",
    "image_removal": "a service that gets nude images of under-18s taken down",
    "image_report": "a hotline for reporting images online (it does not contact the child)",
    "regulator": "an online-safety regulator with powers to have images and posts removed",
    "crisis_line": "a crisis line for anyone who may hurt themselves or cannot cope",
    "emergency_number": "the emergency number",
    "adult_helpline": "a helpline for adults worried about a child (staff, parents)",
}
# The contract: the kinds of service that may stand for each role.
ROLE_KINDS = {
    "helpline": {"helpline"},
    "report_abuse": {"child_protection", "police"},
    "remove_images": {"image_removal", "image_report", "regulator"},
    "crisis": {"crisis_line"},
    "emergency": {"emergency_number"},
    "police_report": {"police"},
}
# Numbers are written in digits (1-800-843-5678, not 1-800-THE-LOST), so a tel: link dials them.
PHONE = re.compile(r"^\+?[0-9][0-9 -]*[0-9]$|^[0-9]{3}$")


@dataclass(frozen=True)
class Service:
    key: str
    roles: tuple[str, ...]
    name: str
    for_whom: str
    description: str
    phone: str
    text_number: str
    url: str
    hours: str
    audience: str
    last_checked: dt.date
    kind: str = ""


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    services: tuple[Service, ...]


def parse_region(path: Path, text: str) -> tuple[Region | None, list[tuple[int, str]]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        return None, [(int(found.group(1)) if found else 1, f"not valid TOML: {error}")]
    problems = []
    if data.get("region") != path.stem:
        problems.append((1, f"region must be '{path.stem}', the file's name"))
    if not data.get("name"):
        problems.append((1, "missing field 'name' (the region's name)"))
    assert set(ROLE_KINDS) == set(SERVICE_ROLES), "every role has a contract"
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[services]]"]
    services = []
    for index, raw in enumerate(data.get("services") or []):
        line = lines[index] if index < len(lines) else 1
        missing = [f for f in ("id", "name", "description", "last_checked") if not raw.get(f)]
        if missing:
            problems.append((line, f"service {index + 1}: missing {', '.join(missing)}"))
            continue
        unknown = [r for r in raw.get("roles", []) if r not in SERVICE_ROLES]
        if unknown:
            problems.append((line, f"service '{raw['id']}': unknown roles {', '.join(unknown)}"))
        kind = raw.get("kind")
        if kind not in KINDS:
            problems.append((line, f"service '{raw['id']}': kind must be one of {', '.join(KINDS)}"))
        else:
            for role in raw.get("roles", []):
                if role in ROLE_KINDS and kind not in ROLE_KINDS[role]:
                    problems.append((line, f"service '{raw['id']}' is {KINDS[kind]}, which cannot stand for the role "
                                           f"'{role}' (that needs {' or '.join(KINDS[k] for k in sorted(ROLE_KINDS[role]))})"))
        for number_field in ("phone", "text_number"):
            number = raw.get(number_field, "")
            if number and not PHONE.match(str(number)):
                problems.append((line, f"service '{raw['id']}': {number_field} '{number}' must be digits (spaces and "
                                       "hyphens allowed), so that it can be dialled"))
        if raw.get("audience", "pupil") not in AUDIENCES:
            problems.append((line, f"service '{raw['id']}': audience must be 'pupil' or 'staff'"))
        if not isinstance(raw["last_checked"], dt.date):
            problems.append((line, f"service '{raw['id']}': last_checked must be a date like 2026-11-01"))
            continue
        services.append(Service(
            key=raw["id"], roles=tuple(raw.get("roles", [])), name=raw["name"],
            for_whom=raw.get("for_whom", ""), description=raw["description"], phone=raw.get("phone", ""),
            text_number=raw.get("text_number", ""), url=raw.get("url", ""), hours=raw.get("hours", ""),
            audience=raw.get("audience", "pupil"), last_checked=raw["last_checked"], kind=str(kind or ""),
        ))
    if not services:
        problems.append((1, "no services: add [[services]] tables"))
    for role in SERVICE_ROLES:
        if not any(role in s.roles and s.audience == "pupil" for s in services):
            problems.append((1, f"no pupil service has the role '{role}': lessons need one in every region"))
    if problems:
        return None, problems
    return Region(code=path.stem, name=data["name"], services=tuple(services)), []
