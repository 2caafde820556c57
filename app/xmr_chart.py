"""XmR charts drawn on the server: geometry here, SVG in templates/goals/_xmr_chart.html."""

from dataclasses import dataclass, field
from math import ceil

from .xmr_words import number, places_of, range_signal_text, signal_text, summary_sentence

# viewBox units; narrow on purpose so 13-unit text is still ~12 px on a 360 px phone.
WIDTH, LEFT, RIGHT = 360, 6, 62
FONT, LINE = 13, 15  # text size, and the least distance between two labels at the right edge
X_TOP, X_HEIGHT = 12, 160  # the values chart
R_TOP, R_HEIGHT = 206, 56  # the moving-range chart below it
HEIGHT = R_TOP + R_HEIGHT + 26  # room for the period labels
MAX_LABELS = 5  # period labels along the axis; more would overlap on a phone
SPARK_WIDTH, SPARK_HEIGHT, SPARK_COUNT = 120, 32, 12


@dataclass
class Mark:
    """A drawn value: position, what it says, and whether it signals."""

    x: float
    y: float
    period: str
    value: str
    signal: bool = False
    title: str = ""


@dataclass
class Level:
    """A horizontal line over one baseline (centre, limits) or the whole chart (target)."""

    kind: str  # centre, upper, lower, range-centre, upper-range, target
    x1: float
    x2: float
    y: float
    value: str
    current: bool = False  # the latest baseline's (labelled at the right edge)
    label_y: float = 0.0  # where that label's baseline goes, clear of the other labels


@dataclass
class Row:
    """One line of the table that is the chart's text alternative."""

    period: str
    value: str
    moving_range: str
    centre: str
    lower: str
    upper: str
    signals: list
    actions: list


@dataclass
class XmrChart:
    """Everything the template needs to draw an XmR chart and its table."""

    title: str
    summary: str
    width: int = WIDTH
    height: int = HEIGHT
    values: str = ""  # polyline points "x,y x,y"
    ranges: list = field(default_factory=list)  # polylines, broken where a baseline begins
    marks: list = field(default_factory=list)
    range_marks: list = field(default_factory=list)
    levels: list = field(default_factory=list)
    steps: list = field(default_factory=list)  # (x, period) where a new baseline begins
    actions: list = field(default_factory=list)  # (x, label)
    labels: list = field(default_factory=list)  # (x, period) along the axis
    rows: list = field(default_factory=list)
    frame: dict = field(default_factory=dict)
    provisional: bool = False  # the latest baseline has fewer than 20 values yet
    font: int = FONT


def scale(low, high, top, height):
    """value -> y inside [top, top + height], with 10% room above and below the data."""
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    return lambda value: round(top + (high - float(value)) / (high - low) * height, 1)


def xmr_chart(analysis, title, *, target=None, actions=(), label=str, axis=None):
    """Geometry and table of an XmR chart; `actions` are (period, label) of actions done,
    `label` writes a period for people (a date format, a week number), `axis` a shorter form
    for the labels along the axis (default: `label`)."""
    chart = XmrChart(title, summary_sentence(analysis.summary()), font=FONT)
    points = analysis.points
    if not points:
        return chart
    places = places_of(p.value for p in points)
    slot = (WIDTH - LEFT - RIGHT) / len(points)
    x = [round(LEFT + slot * (i + 0.5), 1) for i in range(len(points))]
    y, y_range = _scales(analysis, target)
    latest = analysis.segments[-1].limits
    chart.provisional = bool(latest and latest.provisional)
    chart.frame = {"x1": LEFT, "x2": WIDTH - RIGHT, "x_top": X_TOP, "x_bottom": X_TOP + X_HEIGHT,
                   "r_top": R_TOP, "r_bottom": R_TOP + R_HEIGHT}
    chart.values = " ".join(f"{x[i]},{y(p.value)}" for i, p in enumerate(points))
    _marks(chart, points, x, (y, y_range), places, label)
    for segment in analysis.segments:
        run = [f"{x[i]},{y_range(points[i].moving_range)}"
               for i in range(segment.first + 1, segment.last + 1)]
        if len(run) > 1:
            chart.ranges.append(" ".join(run))
        if segment.first:
            chart.steps.append((round(LEFT + slot * segment.first, 1), label(segment.start)))
        _segment_levels(chart, segment, x, slot, (y, y_range), places)
    if target is not None:
        chart.levels.append(Level("target", LEFT, WIDTH - RIGHT, y(target),
                                  number(target, places_of([target])), True))
    _place_labels(chart.levels)
    actions_at = _actions_at(points, actions)
    chart.actions = [(x[i], text) for i, texts in sorted(actions_at.items()) for text in texts]
    every = ceil(len(points) / MAX_LABELS)
    chart.labels = [(x[i], (axis or label)(p.period)) for i, p in enumerate(points)
                    if (len(points) - 1 - i) % every == 0]  # always the latest period
    chart.rows = _rows(analysis, places, label, actions_at)
    return chart


def _scales(analysis, target):
    """y for values (with limits and target in view) and y for moving ranges (from zero)."""
    limits = [s.limits for s in analysis.segments if s.limits]
    found = [float(p.value) for p in analysis.points]
    found += [float(v) for lim in limits for v in (lim.lower, lim.upper)]
    if target is not None:
        found.append(float(target))
    ranges = [float(p.moving_range) for p in analysis.points if p.moving_range is not None]
    ranges += [float(lim.upper_range) for lim in limits]
    return (scale(min(found), max(found), X_TOP, X_HEIGHT),
            scale(0, max(ranges + [1]), R_TOP, R_HEIGHT))


def _marks(chart, points, x, scales, places, label):
    """A mark per value and per moving range; signals carry their words as a title."""
    y, y_range = scales
    for i, point in enumerate(points):
        words = [signal_text(s) for s in point.signals]
        chart.marks.append(Mark(x[i], y(point.value), label(point.period),
                                number(point.value, places), bool(words), "; ".join(words)))
        if point.moving_range is not None:
            chart.range_marks.append(Mark(
                x[i], y_range(point.moving_range), label(point.period),
                number(point.moving_range, places), point.range_signal,
                range_signal_text() if point.range_signal else ""))


def _segment_levels(chart, segment, x, slot, scales, places):
    """The centre line and limits of one baseline, across the values it holds."""
    limits, (y, y_range) = segment.limits, scales
    if limits is None:
        return
    current = segment.last == len(x) - 1
    # The edges between slots, so one baseline's lines end where the next one's begin.
    x1, x2 = round(LEFT + slot * segment.first, 1), round(LEFT + slot * (segment.last + 1), 1)
    shown = places + 1  # limits carry one digit more than the data (Wheeler)
    for kind, value, to_y in (("centre", limits.centre, y), ("upper", limits.upper, y),
                              ("lower", limits.lower, y),
                              ("range-centre", limits.average_moving_range, y_range),
                              ("upper-range", limits.upper_range, y_range)):
        chart.levels.append(Level(kind, x1, x2, to_y(value), number(value, shown), current))


def _place_labels(levels):
    """Labels of the current lines, top to bottom, each at least a line below the one above."""
    for kinds in (("upper", "centre", "lower", "target"), ("upper-range", "range-centre")):
        above = None
        for level in sorted((v for v in levels if v.current and v.kind in kinds),
                            key=lambda v: v.y):
            level.label_y = level.y + FONT / 3 if above is None \
                else round(max(level.y + FONT / 3, above + LINE), 1)
            above = level.label_y


def _actions_at(points, actions):
    """{index: [labels]}: each done action at the first value on or after its period."""
    at = {}
    for period, text in actions:
        index = next((i for i, p in enumerate(points) if p.period >= period), None)
        if index is not None:
            at.setdefault(index, []).append(text)
    return at


def _rows(analysis, places, label, actions_at):
    """The table rows: each value with its moving range, the limits that hold and signals."""
    rows, shown = [], places + 1
    for i, point in enumerate(analysis.points):
        limits = analysis.limits_for(point)
        words = [signal_text(s) for s in point.signals]
        if point.range_signal:
            words.append(range_signal_text())
        rows.append(Row(label(point.period), number(point.value, places),
                        number(point.moving_range, places),
                        number(limits.centre, shown) if limits else "",
                        number(limits.lower, shown) if limits else "",
                        number(limits.upper, shown) if limits else "",
                        words, actions_at.get(i, [])))
    return rows


@dataclass
class Sparkline:
    """A small chart of the latest values for panels: line, last value, signal marks."""

    summary: str
    latest: str
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT
    values: str = ""
    last: tuple = None  # (x, y)
    signals: list = field(default_factory=list)  # (x, y)
    band: tuple = None  # (y upper, y centre, y lower) of the latest baseline


def xmr_sparkline(analysis, count=SPARK_COUNT):
    """The last `count` values of an analysis, small enough for a panel."""
    summary = analysis.summary()
    points = analysis.points[-count:]
    if not points:
        return Sparkline(summary_sentence(summary), "")
    limits = analysis.limits_for(points[-1])
    found = [float(p.value) for p in points]
    if limits:
        found += [float(limits.lower), float(limits.upper)]
    # 5 units of room around the line: a signal's diamond (4 units) stays inside the box.
    y = scale(min(found), max(found), 5, SPARK_HEIGHT - 10)
    step = (SPARK_WIDTH - 10) / max(len(points) - 1, 1)
    xy = [(round(5 + i * step, 1), y(p.value)) for i, p in enumerate(points)]
    spark = Sparkline(summary_sentence(summary), number(summary.value, places_of([summary.value])))
    spark.values = " ".join(f"{a},{b}" for a, b in xy)
    spark.last = xy[-1]
    spark.signals = [xy[i] for i, p in enumerate(points) if p.signals]
    if limits:
        spark.band = (y(limits.upper), y(limits.centre), y(limits.lower))
    return spark
