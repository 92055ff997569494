"""Idioms a pupil learning English may misread ("wobbly", "crosses a line"), found in pupil text."""

import re
from dataclasses import dataclass
from pathlib import Path

EAL_IDIOMS_FILE = Path(__file__).with_name("eal_idioms.txt")

_TEACHER_OPEN = re.compile(r"^\s*:::\s*teacher\s*$")
_CLOSE = re.compile(r"^\s*:::\s*$")


@dataclass(frozen=True)
class Idiom:
    phrase: str
    instead: str
    pattern: re.Pattern


def eal_idioms(path: Path = EAL_IDIOMS_FILE) -> list[Idiom]:
    if not path.exists():
        return []
    idioms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        phrase, _, instead = line.partition("|")
        words = phrase.lower().split()
        # Whole words, and any run of spaces or a line break between them: a wrapped line still matches.
        pattern = re.compile(r"(?<![\w'])" + r"\s+".join(map(re.escape, words)) + r"(?![\w'])", re.I)
        idioms.append(Idiom(" ".join(words), instead.strip(), pattern))
    return idioms


def pupil_lines(text: str, is_module: bool) -> list[str]:
    """The file's lines with teacher notes blanked (a module's staff-only text), so line numbers hold."""
    if not is_module:
        return text.splitlines()
    lines, in_teacher = [], False
    for line in text.splitlines():
        if in_teacher:
            in_teacher = not _CLOSE.match(line)
            lines.append("")
        elif _TEACHER_OPEN.match(line):
            in_teacher = True
            lines.append("")
        else:
            lines.append(line)
    return lines


def idiom_problems(text: str, idioms: list[Idiom], is_module: bool) -> list[tuple[int, str]]:
    """(line, message) for each idiom in the pupil text of a module (is_module) or a quiz."""
    joined = "\n".join(pupil_lines(text, is_module)).replace("\u2019", "'")
    problems = []
    for idiom in idioms:
        for match in idiom.pattern.finditer(joined):
            line = joined.count("\n", 0, match.start()) + 1
            problems.append((line, f"'{idiom.phrase}' is an idiom an EAL pupil may not know: "
                                   f"say it plainly ({idiom.instead})"))
    return problems
