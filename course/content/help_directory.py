"""The help directory: one TOML file per region, listing where pupils (and staff) can get help."""

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .tokens import SERVICE_ROLES

AUDIENCES = ("pupil", "staff")


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
        if raw.get("audience", "pupil") not in AUDIENCES:
            problems.append((line, f"service '{raw['id']}': audience must be 'pupil' or 'staff'"))
        if not isinstance(raw["last_checked"], dt.date):
            problems.append((line, f"service '{raw['id']}': last_checked must be a date like 2026-11-01"))
            continue
        services.append(Service(
            key=raw["id"], roles=tuple(raw.get("roles", [])), name=raw["name"],
            for_whom=raw.get("for_whom", ""), description=raw["description"], phone=raw.get("phone", ""),
            text_number=raw.get("text_number", ""), url=raw.get("url", ""), hours=raw.get("hours", ""),
            audience=raw.get("audience", "pupil"), last_checked=raw["last_checked"],
        ))
    if not services:
        problems.append((1, "no services: add [[services]] tables"))
    for role in SERVICE_ROLES:
        if not any(role in s.roles and s.audience == "pupil" for s in services):
            problems.append((1, f"no pupil service has the role '{role}': lessons need one in every region"))
    if problems:
        return None, problems
    return Region(code=path.stem, name=data["name"], services=tuple(services)), []
