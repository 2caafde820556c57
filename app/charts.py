"""Server-rendered SVG charts: geometry computed here, drawn by a template."""

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 560, 180, 24
SERIES = (("done", "#1a7f37"), ("carried", "#9a6700"), ("split", "#8250df"),
          ("dropped", "#b42318"), ("open", "#8c959f"))


@dataclass
class Bar:
    """One stacked segment of a cycle's bar."""

    x: float
    y: float
    width: float
    height: float
    colour: str
    series: str
    value: int


@dataclass
class Chart:
    """A stacked bar chart of outcomes per cycle."""

    width: int
    height: int
    bars: list
    labels: list  # [(x, cycle number)]
    series: tuple = SERIES
    goals: list = None  # [(x, goals achieved)] for cycles in which goals were achieved


def trend_chart(trend):
    """Stacked bars per cycle: done, carried, split, dropped, still open."""
    if not trend:
        return None
    peak = max(counts.total for _number, counts in trend) or 1
    slot = (WIDTH - 2 * PAD) / len(trend)
    bars, labels, goals = [], [], []
    for i, (number, counts) in enumerate(trend):
        x = PAD + i * slot + slot * 0.15
        y = HEIGHT - PAD
        for name, colour in SERIES:
            value = getattr(counts, name)
            if value:
                height = (HEIGHT - 2 * PAD) * value / peak
                y -= height
                bars.append(Bar(round(x, 1), round(y, 1), round(slot * 0.7, 1), round(height, 1),
                                colour, name, value))
        labels.append((round(x + slot * 0.35, 1), number))
        if counts.goals_achieved:
            goals.append((round(x + slot * 0.35, 1), counts.goals_achieved))
    return Chart(WIDTH, HEIGHT, bars, labels, goals=goals)
