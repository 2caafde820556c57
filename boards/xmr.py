"""Process-behaviour charts (Wheeler's XmR): limits per baseline and the signals in a series.

Pure arithmetic on (period, value) pairs. Values become Decimals and stay at full precision
(28 significant digits); rounding is for whoever shows them. Periods may be anything that sorts
in time order (dates, ISO week strings, cycle numbers).
"""

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

NATURAL_LIMIT_FACTOR = Decimal("2.66")  # Wheeler's 3/d2 for ranges of two values
UPPER_RANGE_FACTOR = Decimal("3.268")  # D4 for ranges of two values
BASELINE_SIZE = 20  # limits come from the first (up to) 20 values of a baseline, then hold
RUN_LENGTH = 8  # rule 2
WINDOW, NEAR_COUNT = 4, 3  # rule 3: three of four successive values

OUTSIDE_LIMITS, RUN_ON_ONE_SIDE, NEAR_A_LIMIT = 1, 2, 3  # the rule numbers
ABOVE, BELOW, WITHIN = "above", "below", "within"


@dataclass(frozen=True)
class Limits:
    """One baseline's centre line, natural process limits and upper range limit."""

    centre: Decimal
    average_moving_range: Decimal
    lower: Decimal
    upper: Decimal
    upper_range: Decimal
    count: int  # values the baseline holds so far

    @property
    def provisional(self):
        """True while the baseline has fewer values than a full one (the limits still move)."""
        return self.count < BASELINE_SIZE

    @property
    def upper_halfway(self):
        """The line halfway between the centre and the upper limit (rule 3)."""
        # From the unclipped limit: a floor at zero does not change the process's spread.
        return self.centre + NATURAL_LIMIT_FACTOR / 2 * self.average_moving_range

    @property
    def lower_halfway(self):
        """The line halfway between the centre and the lower limit (rule 3)."""
        return self.centre - NATURAL_LIMIT_FACTOR / 2 * self.average_moving_range

    def position(self, value):
        """Where a value lies: ABOVE the upper limit, BELOW the lower one, or WITHIN."""
        if value > self.upper:
            return ABOVE
        if value < self.lower:
            return BELOW
        return WITHIN


@dataclass(frozen=True)
class Signal:
    """A value that is part of a signal: its period, the rule (1, 2 or 3) and the side."""

    period: object
    rule: int
    side: str  # ABOVE or BELOW the centre line


@dataclass(frozen=True)
class Point:
    """One period's value with its moving range and the signals it is part of."""

    period: object
    value: Decimal
    moving_range: Decimal | None  # None for the first value of a baseline
    segment: int  # index into XmrAnalysis.segments
    signals: tuple = ()  # Signal, one per rule
    range_signal: bool = False  # moving range above the upper range limit

    @property
    def rules(self):
        """The rule numbers this value signals under."""
        return tuple(signal.rule for signal in self.signals)


@dataclass(frozen=True)
class Segment:
    """The values from one baseline start to the next, with the limits of that baseline."""

    start: object  # period of the segment's first value
    first: int  # index of the first point
    last: int  # index of the last point
    limits: Limits | None  # None with fewer than two values (no moving range yet)


@dataclass(frozen=True)
class Summary:
    """The latest value: where it lies against its limits and its signals."""

    period: object
    value: Decimal
    position: str | None  # ABOVE, BELOW, WITHIN, or None without limits
    signals: tuple


@dataclass(frozen=True)
class XmrAnalysis:
    """A series read as an XmR chart: points, baseline segments and signals."""

    points: tuple
    segments: tuple

    @property
    def signals(self):
        """Every signal, in period order."""
        return tuple(signal for point in self.points for signal in point.signals)

    def limits_for(self, point):
        """The limits that hold for a point (its segment's), or None."""
        return self.segments[point.segment].limits

    def summary(self):
        """The latest value and what it says, or None for an empty series."""
        if not self.points:
            return None
        latest = self.points[-1]
        limits = self.limits_for(latest)
        position = limits.position(latest.value) if limits else None
        return Summary(latest.period, latest.value, position, latest.signals)


def as_decimal(value):
    """A Decimal for an int, str, float or Decimal; a float by its shortest repr (0.1 is 0.1)."""
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def moving_ranges(values):
    """|x[i] - x[i-1]| for each value after the first."""
    return [abs(b - a) for a, b in pairwise(values)]


def limits_from(values, *, floor=None):
    """Limits from baseline values (at least two); `floor` clips the lower limit (e.g. 0 for
    counts that cannot be negative)."""
    values = [as_decimal(v) for v in values]
    if len(values) < 2:
        raise ValueError("limits need at least two values")
    ranges = moving_ranges(values)
    centre = sum(values) / len(values)
    average_range = sum(ranges) / len(ranges)
    spread = NATURAL_LIMIT_FACTOR * average_range
    lower = centre - spread
    if floor is not None:
        lower = max(lower, as_decimal(floor))
    return Limits(centre, average_range, lower, centre + spread,
                  UPPER_RANGE_FACTOR * average_range, len(values))


def xmr_analysis(series, baseline_starts=(), *, floor=None, baseline_size=BASELINE_SIZE):
    """Read an ordered [(period, value)] as an XmR chart: a new baseline begins at the first
    period at or after each of `baseline_starts`; each takes its limits from its first
    `baseline_size` values and its signals are judged against them."""
    periods = [period for period, _value in series]
    values = [as_decimal(value) for _period, value in series]
    if any(b <= a for a, b in pairwise(periods)):
        raise ValueError("periods must be strictly increasing")
    bounds = _segment_bounds(periods, baseline_starts)
    segments, points = [], []
    for index, (first, last) in enumerate(bounds):
        chunk = values[first:last + 1]
        baseline = chunk[:baseline_size]
        limits = limits_from(baseline, floor=floor) if len(baseline) >= 2 else None
        segments.append(Segment(periods[first], first, last, limits))
        flagged = _signals(periods[first:last + 1], chunk, limits)
        ranges = [None] + moving_ranges(chunk)
        for offset, value in enumerate(chunk):
            moving_range = ranges[offset]
            above_range = bool(limits and moving_range is not None
                               and moving_range > limits.upper_range)
            points.append(Point(periods[first + offset], value, moving_range, index,
                                flagged[offset], above_range))
    return XmrAnalysis(tuple(points), tuple(segments))


def _segment_bounds(periods, baseline_starts):
    """(first, last) indices of each segment; a start before the first value or after the last
    opens no segment, and two starts falling on the same value open one."""
    firsts = {0} if periods else set()
    for start in baseline_starts:
        first = next((i for i, period in enumerate(periods) if period >= start), None)
        if first is not None:
            firsts.add(first)
    ordered = sorted(firsts)
    return [(first, nxt - 1) for first, nxt in pairwise(ordered + [len(periods)])]


def _signals(periods, values, limits):
    """Per value, the Signals it is part of under rules 1, 2 and 3 (one segment)."""
    found = [{} for _ in values]
    if limits is None:
        return [()] * len(values)
    for i, value in enumerate(values):  # rule 1: outside the natural process limits
        position = limits.position(value)
        if position != WITHIN:
            found[i][OUTSIDE_LIMITS] = position
    sides = [ABOVE if v > limits.centre else BELOW if v < limits.centre else None for v in values]
    run_start = 0
    for i, side in enumerate(sides):  # rule 2: a run of eight on one side of the centre line
        if i and side != sides[i - 1]:
            run_start = i
        if side and i - run_start + 1 >= RUN_LENGTH:
            for j in range(run_start, i + 1):
                found[j][RUN_ON_ONE_SIDE] = side
    near = [ABOVE if v > limits.upper_halfway else BELOW if v < limits.lower_halfway else None
            for v in values]
    for i in range(len(values) - WINDOW + 1):  # rule 3: three of four beyond the halfway line
        window = range(i, i + WINDOW)
        for side in (ABOVE, BELOW):
            beyond = [j for j in window if near[j] == side]
            if len(beyond) >= NEAR_COUNT:
                for j in beyond:
                    found[j][NEAR_A_LIMIT] = side
    return [tuple(Signal(periods[i], rule, side) for rule, side in sorted(rules.items()))
            for i, rules in enumerate(found)]
