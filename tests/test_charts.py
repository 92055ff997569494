"""The server-drawn bar charts: scale ticks are distinct whole numbers at the height of their value, and
bars never rise above the scale."""

import pytest

from course.domain.charts import HEIGHT, TOP, bar_chart


@pytest.mark.parametrize("values, maximum, ticks", [
    ([0, 0], None, [0, 1]),  # nothing yet: a scale of 0 to 1, not "0, 0, 0, 1, 1"
    ([3], None, [0, 1, 2, 3]),
    ([40, 90], 100, [0, 25, 50, 75, 100]),
])
def test_ticks_are_distinct_and_placed_at_their_value(values, maximum, ticks):
    chart = bar_chart("t", "d", [(str(v), v, str(v)) for v in values], maximum=maximum)
    assert [value for value, _y in chart.ticks] == ticks
    baseline, top_line = chart.baseline, TOP
    for value, y in chart.ticks:
        assert y == pytest.approx(baseline - (baseline - top_line) * value / chart.maximum)
    assert all(TOP <= bar.y <= HEIGHT for bar in chart.bars)
