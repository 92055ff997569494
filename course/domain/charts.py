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
    ticks = [(round(top * step / 4), TOP + plot_height - plot_height * step / 4) for step in range(5)]
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
