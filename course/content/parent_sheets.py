"""The take-home sheets for parents and carers (parents/sheets.toml): conversation starters per pupil module,
and the warning signs and "if your child tells you" steps every sheet carries."""

import tomllib
from dataclasses import dataclass, field

STARTERS_PER_MODULE = (2, 3)


@dataclass(frozen=True)
class ParentSheets:
    # The same on every sheet.
    signs: tuple[str, ...] = ()
    if_your_child_tells_you: tuple[str, ...] = ()
    # Per pupil module: two or three ways to start the conversation at home.
    starters: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return 1


def _sentences(value) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(v.strip() for v in value)


def parse_parent_sheets(text: str, module_slugs: set[str]) -> tuple[ParentSheets, list[tuple[int, str]]]:
    """The sheets, and (line, message) problems: every pupil module has two or three starters."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return ParentSheets(), [(getattr(error, "lineno", 1) or 1, f"not valid TOML: {error}")]
    problems = []
    common = data.get("common", {})
    signs = _sentences(common.get("signs"))
    tells = _sentences(common.get("if_your_child_tells_you"))
    if signs is None:
        problems.append((_line_of(text, "[common]"), "common.signs must be a list of sentences"))
    if tells is None:
        problems.append((_line_of(text, "[common]"), "common.if_your_child_tells_you must be a list of sentences"))
    raw_modules = data.get("modules", {})
    starters = {}
    low, high = STARTERS_PER_MODULE
    for slug, table in raw_modules.items() if isinstance(raw_modules, dict) else ():
        line = _line_of(text, f"[modules.{slug}]")
        if slug not in module_slugs:
            problems.append((line, f"a sheet for an unknown module '{slug}'"))
            continue
        found = _sentences(table.get("starters") if isinstance(table, dict) else None)
        if found is None or not low <= len(found) <= high:
            problems.append((line, f"module '{slug}': starters must be a list of {low} or {high} sentences"))
            continue
        starters[slug] = found
    for slug in sorted(module_slugs - set(raw_modules if isinstance(raw_modules, dict) else ())):
        problems.append((1, f"module '{slug}' has no take-home sheet: add [modules.{slug}] with starters"))
    return ParentSheets(signs or (), tells or (), starters), problems
