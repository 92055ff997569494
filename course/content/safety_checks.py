"""Checks of lesson text that keep a child from being sent the wrong way: help that belongs to one region
shown only there, no service promised to get in touch, and screenshot advice with the rule about the image.
Each returns (line, message) problems for one page's pupil text. (Idioms an EAL pupil would trip on are
checked in modules and quizzes alike by idioms.py, from the list in eal_idioms.txt.)"""

import re

# Words true of one region only: outside a `::: region` block naming exactly those regions they would tell
# an Irish, American or Australian pupil about the wrong country's law or services.
REGION_PHRASES = {
    "in the uk": {"uk"}, "uk law": {"uk"}, "in england": {"uk"}, "in scotland": {"uk"}, "in wales": {"uk"},
    "in ireland": {"ie"}, "irish law": {"ie"},
    "in the united states": {"us"}, "in the us": {"us"},
    "in australia": {"au"}, "australian law": {"au"},
}
# No report service contacts the child it is about for certain; a lesson must not promise it.
CONTACT_PROMISES = ("may get in touch", "will get in touch", "will contact you", "may contact you",
                    "will call you back", "will ring you")
# Said of screenshots: advising one needs the rule that the image itself is never copied.
IMAGE_RULE = re.compile(r"\bitself\b|not the (picture|image|photo)|not of (the|any) (picture|image|photo)", re.I)
# Advice to take one (or a character taking one): "take screenshots", "Screenshot the messages".
SCREENSHOT_ADVICE = re.compile(r"\b(take|takes|taking|took)\s+(a\s+)?screenshots?\b|\bscreenshots?\**\s+(of\s+)?the\b", re.I)

_REGION_OPEN = re.compile(r"^:::\s*region((?:\s+[a-z]+)*)\s*$")
_CLOSE = re.compile(r"^:::\s*$")
_BLOCK_OPEN = re.compile(r"^:::\s*([a-z-]+)")


def _lines_with_regions(lines: list[str], first: int):
    """(line number, text, regions or None) for each line outside staff-only teacher notes."""
    regions: set[str] | None = None
    in_teacher = False
    for offset, line in enumerate(lines):
        stripped = line.strip()
        opened = _REGION_OPEN.match(stripped)
        if opened:
            regions = set(opened.group(1).split())
            continue
        if _CLOSE.match(stripped):
            regions, in_teacher = None, False
            continue
        block = _BLOCK_OPEN.match(stripped)
        if block:
            in_teacher = block.group(1) == "teacher"
            continue
        if not in_teacher:
            yield first + offset, line, regions


def page_problems(lines: list[str], first: int) -> list[tuple[int, str]]:
    problems = []
    pupil_lines = list(_lines_with_regions(lines, first))
    page_text = " ".join(text for _, text, _ in pupil_lines)
    for number, text, regions in pupil_lines:
        lowered = text.lower()
        for phrase, where in REGION_PHRASES.items():
            if re.search(rf"\b{re.escape(phrase)}\b", lowered) and (regions is None or not regions <= where):
                problems.append((number, f"'{phrase}' is true of one region only: put it in a "
                                         f"'::: region {' '.join(sorted(where))}' block"))
        for promise in CONTACT_PROMISES:
            if promise in lowered:
                problems.append((number, f"'{promise}': do not promise that a service contacts the child; say what "
                                         "the child can do instead"))
        advises = SCREENSHOT_ADVICE.search(text) is not None
        if advises and not IMAGE_RULE.search(page_text):
            problems.append((number, "advice to take screenshots needs, on the same page, the rule that the nude "
                                     "picture itself is never screenshotted or saved"))
        if advises and "block" in lowered and not re.search(r"\bbefore\b|\bthen\b|\bfirst\b", lowered):
            problems.append((number, "screenshots and blocking together: say to keep the evidence before blocking "
                                     "(blocking can remove the chat)"))
    return problems
