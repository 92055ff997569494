"""Bar charts drawn on the server as SVG: positions worked out here, drawn by templates/_charts.html.

No JavaScript: the SVG has a title and description, and every chart sits beside a table of its numbers.
"""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
LEFT, BOTTOM, TOP = 44, 40, 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    maximum: int
    ticks: list[tuple[int, float]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def bar_chart(title: str, description: str, values: list[tuple[str, int, str]], maximum: int | None = None) -> BarChart:
    """values: (label under the bar, value, text on the bar). maximum: the top of the scale (100 for percents)."""
    top = maximum or max([v for _l, v, _t in values] + [1])
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 8) / max(len(values), 1)
    bars = []
    for index, (label, value, text) in enumerate(values):
        height = plot_height * min(value, top) / top
        bars.append(Bar(label, value, text, LEFT + index * slot + slot * 0.15, TOP + plot_height - height,
                        slot * 0.7, height))
    # Quarter steps, rounded to whole numbers, each drawn where its rounded value lies (a scale of 0 to 1
    # gets 0 and 1, not 0, 0, 0, 1, 1).
    values = sorted({round(top * step / 4) for step in range(5)})
    ticks = [(value, TOP + plot_height - plot_height * value / top) for value in values]
    return BarChart(title, description, bars, top, ticks)


def year_label(year: int | None) -> str:
    return f"Year {year}" if year is not None else "No year"


def coverage_charts(coverage) -> tuple[BarChart, BarChart]:
    """A school's two coverage charts (course.domain.coverage.SchoolCoverage): by year group, and per week."""
    years = [year for year, _tally in coverage.year_rows]
    by_year = bar_chart(
        "Completion by year group", "Percent of modules set that pupils have completed, for each year group: " +
        "; ".join(f"{year_label(y)} {coverage.by_year_total[y].percent}%" for y in years) + ".",
        [(year_label(y), coverage.by_year_total[y].percent, f"{coverage.by_year_total[y].percent}%") for y in years],
        maximum=100)
    weekly = bar_chart(
        "Completions per week", "Modules completed each week, weeks starting on Monday: " +
        "; ".join(f"week of {monday.strftime('%-d %b')}: {n}" for monday, n in coverage.weeks) + ".",
        [(monday.strftime("%-d %b"), n, str(n)) for monday, n in coverage.weeks])
    return by_year, weekly


# Short names for the four outcomes, to fit under a bar; the tables beside the charts use the full names.
OUTCOME_SHORT = {"warning_signs": "Warning signs", "what_to_do": "What to do", "where_to_get_help": "Where to get help",
                 "never_their_fault": "Not their fault"}


def outcome_charts(change, group: str) -> tuple[BarChart, BarChart]:
    """Percent of matched answers right before the lesson and after the quiz, per outcome
    (course.domain.knowledge_change.KnowledgeChange). An outcome with too few answers shows no bar."""
    def chart(title: str, attribute: str) -> BarChart:
        shown = [(key, tally) for key, tally in change.by_outcome.items() if tally.shown]
        description = (f"{title} {group}, percent of answers right, per outcome: " +
                       "; ".join(f"{OUTCOME_SHORT[key]} {getattr(tally, attribute)}%" for key, tally in shown) + "."
                       if shown else f"{title} {group}: not enough answers yet to show.")
        return bar_chart(f"{title} {group}", description,
                         [(OUTCOME_SHORT[key], getattr(tally, attribute), f"{getattr(tally, attribute)}%")
                          for key, tally in shown], maximum=100)
    return chart("Right before the lesson", "percent_right_before"), chart("Right after the quiz", "percent_right_after")


def requests_chart(by_month: list) -> BarChart:
    """Requests to talk per month (course.domain.evidence.requests_by_month), counts only."""
    return bar_chart(
        "Requests to talk each month", "How many requests to talk pupils made each month: " +
        "; ".join(f"{month.strftime('%B %Y')}: {n}" for month, n in by_month) + ".",
        [(month.strftime("%b %y"), n, str(n)) for month, n in by_month])


def evidence_charts(pack) -> dict:
    """The evidence pack's charts (course.domain.evidence.EvidencePack), by the names its template uses."""
    from .knowledge_change import MIN_GROUP, REVISIT_AT  # noqa: PLC0415 (kept beside the one place that needs them)

    by_year, weekly = coverage_charts(pack.coverage)
    before, after = outcome_charts(pack.knowledge, "across the school")
    return {"by_year_chart": by_year, "weekly_chart": weekly, "knowledge_before_chart": before,
            "knowledge_after_chart": after, "requests_chart": requests_chart(pack.requests_by_month),
            "min_group": MIN_GROUP, "revisit_at": REVISIT_AT}
