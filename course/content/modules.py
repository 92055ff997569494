"""Reading a lesson module: front matter, pages split at level-2 headings, rendered once."""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import markdown, safety_checks
from .tokens import token_problems

AGE_BANDS = ("8-11", "11-14", "14-17", "11-17")
# The staff track (modules/staff/): written for adults, and for the staff roles named in `staff_roles`.
STAFF_AGE_BAND = "adult"
STAFF_ROLE_NAMES = ("teacher", "safeguarding_lead", "admin")
UKCIS_AGE_BANDS = ("4-7", "7-11", "11-14", "14-18")
# UKCIS Education for a Connected World (2020): its eight strands.
UKCIS_STRANDS = ("Self-image and identity", "Online relationships", "Online reputation", "Online bullying",
                 "Managing online information", "Health, well-being and lifestyle", "Privacy and security",
                 "Copyright and ownership")
KCSIE_4CS = ("content", "contact", "conduct", "commerce")  # Keeping Children Safe in Education's 4 Cs of online risk
FRAMEWORK_LISTS = ("ukcis_strands", "ukcis_age_bands", "rshe", "kcsie_4cs")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED_FIELDS = ("slug", "title", "summary", "age_band", "minutes", "objectives", "order")


@dataclass(frozen=True)
class Page:
    title: str
    pupil_html: str  # teacher notes removed
    staff_html: str  # teacher notes shown
    pupil_text: str  # plain source without teacher notes, for readability checks
    blocks: tuple[str, ...]  # names of the ::: blocks on the page


@dataclass
class ModuleContent:
    slug: str
    title: str
    summary: str
    age_band: str
    minutes: int
    order: int
    objectives: list[str]
    framework: dict
    pages: list[Page]
    source_hash: str
    path: Path
    quiz: "object | None" = field(default=None)  # a Quiz, attached by the library
    # The most sensitive modules are best led by a teacher in class before pupils meet them alone.
    teach_in_class_first: bool = False
    # Staff track only: the staff roles the module is meant for (empty for a pupil module).
    staff_roles: tuple[str, ...] = ()

    @property
    def page_count(self) -> int:
        return len(self.pages)


def _front_matter(text: str) -> tuple[dict | None, int, list[tuple[int, str]]]:
    """The YAML front matter, the 1-based line where the body starts, and problems."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return None, 1, [(1, "the file must start with front matter between '---' lines")]
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            break
    else:
        return None, 1, [(1, "front matter opened with '---' is never closed")]
    try:
        data = yaml.safe_load("\n".join(lines[1:index])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or "not valid YAML"
        return None, index + 2, [(line, f"front matter: {problem}")]
    if not isinstance(data, dict):
        return None, index + 2, [(1, "front matter must be a set of 'field: value' lines")]
    return data, index + 2, []


def _field_line(text: str, name: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{name}:"):
            return number
    return 1


def _check_fields(data: dict, text: str, stem: str, staff: bool = False) -> list[tuple[int, str]]:
    problems = []
    for name in REQUIRED_FIELDS:
        if data.get(name) in (None, "", []):
            problems.append((1, f"missing field '{name}' in front matter"))
    if problems:
        return problems
    if not isinstance(data["slug"], str) or not SLUG.match(data["slug"]):
        problems.append((_field_line(text, "slug"), "slug must be lower-case letters, digits and hyphens"))
    elif data["slug"] != stem:
        problems.append((_field_line(text, "slug"), f"slug '{data['slug']}' must match the file name '{stem}.md'"))
    if staff:
        problems += _staff_problems(data, text)
    elif str(data["age_band"]) not in AGE_BANDS:
        problems.append((_field_line(text, "age_band"), f"age_band must be one of {', '.join(AGE_BANDS)}"))
    elif "staff_roles" in data:
        problems.append((_field_line(text, "staff_roles"), "staff_roles belongs to staff modules (modules/staff/) only"))
    for name in ("minutes", "order"):
        if not isinstance(data[name], int) or data[name] < 0:
            problems.append((_field_line(text, name), f"{name} must be a whole number"))
    objectives = data["objectives"]
    if not isinstance(objectives, list) or not all(isinstance(o, str) and o.strip() for o in objectives):
        problems.append((_field_line(text, "objectives"), "objectives must be a list of sentences"))
    if not isinstance(data.get("teach_in_class_first", False), bool):
        problems.append((_field_line(text, "teach_in_class_first"), "teach_in_class_first must be true or false"))
    problems += _framework_problems(data.get("framework"), _field_line(text, "framework"))
    return problems


def _staff_problems(data: dict, text: str) -> list[tuple[int, str]]:
    """A staff module is for adults and names which staff roles it is meant for."""
    problems = []
    if str(data["age_band"]) != STAFF_AGE_BAND:
        problems.append((_field_line(text, "age_band"), f"a staff module's age_band is '{STAFF_AGE_BAND}'"))
    roles = data.get("staff_roles")
    if not isinstance(roles, list) or not roles or not all(r in STAFF_ROLE_NAMES for r in roles):
        problems.append((_field_line(text, "staff_roles"),
                         f"staff_roles must list one or more of {', '.join(STAFF_ROLE_NAMES)}"))
    return problems


def _framework_problems(framework, line: int) -> list[tuple[int, str]]:
    """The curriculum mapping: lists of UKCIS strands and age bands, RSHE topics and the KCSIE 4 Cs."""
    if framework is None:
        return []
    if not isinstance(framework, dict):
        return [(line, "framework must be a set of 'field: [values]' lines")]
    problems = []
    for name in FRAMEWORK_LISTS:
        values = framework.get(name)
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            problems.append((line, f"framework.{name} must be a list with one or more entries"))
    unknown = sorted(set(framework) - set(FRAMEWORK_LISTS))
    if unknown:
        problems.append((line, f"framework: unknown field {', '.join(unknown)} (known: {', '.join(FRAMEWORK_LISTS)})"))
    if problems:
        return problems
    for name, allowed in (("ukcis_strands", UKCIS_STRANDS), ("ukcis_age_bands", UKCIS_AGE_BANDS), ("kcsie_4cs", KCSIE_4CS)):
        wrong = [v for v in framework[name] if v not in allowed]
        if wrong:
            problems.append((line, f"framework.{name}: {', '.join(wrong)} is not one of {', '.join(allowed)}"))
    return problems


def _split_pages(body_lines: list[str], first_line: int) -> tuple[list[tuple[str, int, list[str]]], list]:
    """[(title, first line number of the page's body, lines)] split at '## ' headings."""
    pages: list[tuple[str, int, list[str]]] = []
    problems = []
    in_fence = False
    for offset, line in enumerate(body_lines):
        number = first_line + offset
        if line.startswith("```") or line.startswith("~~~"):
            in_fence = not in_fence
        if not in_fence and line.startswith("## "):
            pages.append((line[3:].strip(), number + 1, []))
        elif pages:
            pages[-1][2].append(line)
        elif line.strip():
            problems.append((number, "text before the first '## ' heading: every page starts with a '## ' heading"))
    if not pages:
        problems.append((first_line, "no pages: split the lesson into pages with '## ' headings"))
    return pages, problems


def parse_module(path: Path, text: str, staff: bool = False) -> tuple[ModuleContent | None, list[tuple[int, str]]]:
    """A module from its file text, or None and the (line, message) problems found. `staff`: a module of the
    staff track, for adults (age_band 'adult', `staff_roles`)."""
    data, body_start, problems = _front_matter(text)
    if data is None:
        return None, problems
    problems = _check_fields(data, text, path.stem, staff)
    body_lines = text.splitlines()[body_start - 1:]
    raw_pages, page_problems = _split_pages(body_lines, body_start)
    problems += page_problems
    pages = []
    for title, first, lines in raw_pages:
        spans, block_problems = markdown.scan_blocks(lines, first)
        problems += block_problems
        problems += [(first + offset, message) for offset, message in token_problems("\n".join(lines))]
        problems += safety_checks.page_problems(lines, first)
        if not title:
            problems.append((first - 1, "a page heading is empty"))
        pupil_lines = markdown.strip_blocks(lines, spans, markdown.STAFF_ONLY_BLOCKS, first)
        pages.append(Page(
            title=title,
            pupil_html=markdown.render("\n".join(pupil_lines)),
            staff_html=markdown.render("\n".join(lines)),
            pupil_text="\n".join(pupil_lines),
            blocks=tuple(span.name for span in spans),
        ))
    if problems:
        return None, problems
    module = ModuleContent(
        slug=data["slug"], title=str(data["title"]), summary=str(data["summary"]),
        age_band=str(data["age_band"]), minutes=data["minutes"], order=data["order"],
        objectives=[str(o) for o in data["objectives"]], framework=dict(data.get("framework") or {}),
        pages=pages, source_hash=hashlib.sha256(text.encode()).hexdigest(), path=path,
        teach_in_class_first=data.get("teach_in_class_first") is True,
        staff_roles=tuple(data.get("staff_roles") or ()) if staff else (),
    )
    return module, []
