"""Markdown to HTML for lessons: raw HTML off, `:::` blocks for help, stories, prompts and notes."""

import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

# name -> (CSS class, heading a reader hears and sees)
BLOCKS = {
    "content-note": "Before you start",
    "scenario": "Story",
    "think": "Think about it",
    "help": "Where to get help",
    "teacher": "Teacher notes",
}
STAFF_ONLY_BLOCKS = {"teacher"}
# `::: region uk ie` ... `:::`: text for schools in those regions only (the law, a service's name).
REGIONS = ("uk", "ie", "us", "au")

_OPEN_REGION = re.compile(r"^:::\s*region((?:\s+[a-z]+)*)\s*$")

_OPEN = re.compile(r"^:::\s*([A-Za-z0-9_-]+)\s*$")
_CLOSE = re.compile(r"^:::\s*$")


def _block_renderer(name: str):
    label = BLOCKS[name]

    def render(self, tokens, idx, options, env):
        if tokens[idx].nesting == 1:
            return (f'<aside class="block block-{name}" aria-label="{label}">'
                    f'<p class="block-label">{label}</p>\n')
        return "</aside>\n"

    return render


def _render_region(self, tokens, idx, options, env):
    if tokens[idx].nesting == 1:
        codes = " ".join(tokens[idx].info.split()[1:])
        return f'<div class="region-text" data-regions="{codes}">\n'
    return "</div>\n"


def make_markdown() -> MarkdownIt:
    # "js-default" keeps raw HTML disabled; typographer gives curly quotes and dashes.
    md = MarkdownIt("js-default", {"typographer": True}).enable(["replacements", "smartquotes"])
    md.use(front_matter_plugin)
    for name in BLOCKS:
        md.use(container_plugin, name=name, render=_block_renderer(name))
    md.use(container_plugin, name="region", render=_render_region)
    return md


MARKDOWN = make_markdown()


@dataclass(frozen=True)
class BlockSpan:
    name: str
    start: int  # 1-based line of the opening :::
    end: int  # 1-based line of the closing :::


def scan_blocks(lines: list[str], first_line: int = 1) -> tuple[list[BlockSpan], list[tuple[int, str]]]:
    """Find the ::: blocks in a page; returns the blocks and (line, message) problems."""
    spans: list[BlockSpan] = []
    problems: list[tuple[int, str]] = []
    open_block: tuple[str, int] | None = None
    for offset, line in enumerate(lines):
        number = first_line + offset
        stripped = line.strip()
        if _CLOSE.match(stripped):
            if open_block is None:
                problems.append((number, "':::' closes a block that was never opened"))
            else:
                if open_block[0] in BLOCKS or open_block[0].startswith("region "):
                    spans.append(BlockSpan(open_block[0], open_block[1], number))
                open_block = None
            continue
        region = _OPEN_REGION.match(stripped)
        if region:
            codes = region.group(1).split()
            unknown = [c for c in codes if c not in REGIONS]
            if not codes or unknown:
                problems.append((number, f"'::: region' needs one or more of {', '.join(REGIONS)}"
                                         + (f" (not {', '.join(unknown)})" if unknown else "")))
            if open_block is not None:
                problems.append((number, f"'::: region' opens inside '::: {open_block[0]}': blocks cannot be nested"))
            else:
                open_block = ("region " + " ".join(codes), number)
            continue
        opened = _OPEN.match(stripped)
        if opened:
            name = opened.group(1)
            if open_block is not None:
                problems.append((number, f"'::: {name}' opens inside '::: {open_block[0]}': blocks cannot be nested"))
            else:
                if name not in BLOCKS:
                    known = ", ".join(BLOCKS)
                    problems.append((number, f"unknown block '::: {name}' (known blocks: {known})"))
                open_block = (name, number)
        elif stripped.startswith(":::"):
            problems.append((number, f"'{stripped}' is not a block: write '::: name' alone on its line"))
    if open_block is not None:
        problems.append((open_block[1], f"'::: {open_block[0]}' is never closed with ':::'"))
    return spans, problems


def strip_blocks(lines: list[str], spans: list[BlockSpan], names: set[str], first_line: int = 1) -> list[str]:
    drop: set[int] = set()
    for span in spans:
        if span.name in names:
            drop.update(range(span.start - first_line, span.end - first_line + 1))
    return [line for offset, line in enumerate(lines) if offset not in drop]


def render(text: str) -> str:
    return MARKDOWN.render(text)


@functools.lru_cache(maxsize=4096)
def render_inline(text: str) -> str:
    # Quiz questions, options and explanations are rendered on every quiz and result page, from
    # content that does not change while the app runs: render each text once.
    return MARKDOWN.renderInline(text)
