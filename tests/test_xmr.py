"""XmR arithmetic against published worked examples, and each signal rule on series built for it."""

from decimal import Decimal

import pytest

from boards.xmr import ABOVE, BELOW, WITHIN, limits_from, xmr_analysis

# statprocon's README, "Usage" (https://pypi.org/project/statprocon/, the library the indicator
# issue names; the same example stands in every release up to 2.0): counts [10, 50, 40, 30] give
# x_central_line 32.5, mr_central_line 20, upper_natural_process_limit 85.7,
# lower_natural_process_limit -20.7 and upper_range_limit 65.36.
STATPROCON_COUNTS = [10, 50, 40, 30]

# spc-plotly's README, "Usage" (https://pypi.org/project/spc-plotly/, "XmR charts with Plotly"):
# 38 monthly counts from 2021-01 to 2024-02 with limits from all of them; it prints
# mR_xmr_func 571.8918918918919, mR_upper_limit 1868.9427027027025, y_xmr_func
# 2820.6315789473683 and npl_upper_limit 4341.864011379801.
PLOTLY_COUNTS = [2478, 2350, 2485, 2296, 2359, 2567, 3089, 2668, 1788, 2854,
                 2365, 1883, 1959, 1927, 2640, 2626, 2144, 2409, 4412, 3287,
                 3049, 3364, 3078, 2972, 3415, 2753, 3102, 2191, 3693, 4385,
                 4699, 3031, 2659, 3885, 2628, 2621, 3071, 2002]
PLOTLY_MONTHS = [f"{2021 + i // 12}-{i % 12 + 1:02d}" for i in range(len(PLOTLY_COUNTS))]

# SAS/QC User's Guide, "Example 9.4 Displaying Individual Measurements on an EWMA Chart"
# (https://support.sas.com/documentation/cdl/en/qcug/63964/HTML/default/qcug_macontrol_a0000000363.htm):
# 30 steel-belt diameters; Output 9.4.1 lists _LCLI_ 23.8571, _MEAN_ 24.0083, _UCLI_ 24.1596,
# _R_ 0.056897 and _UCLR_ 0.18585. SAS uses 3/d2 = 2.6587 and D4 = 3.2665 where Wheeler rounds
# to 2.66 and 3.268, so its limits differ from ours in the fourth decimal (checked within 0.0002).
SAS_TIRES = [24.05, 23.99, 23.95, 23.93, 23.97, 24.02, 24.06, 24.10, 23.98, 24.03,
             23.91, 24.06, 24.06, 23.96, 23.98, 24.06, 24.01, 24.00, 23.93, 23.92,
             24.09, 24.11, 24.05, 23.98, 23.98, 24.06, 24.02, 24.06, 23.97, 23.96]


def test_statprocon_readme_example():
    limits = limits_from(STATPROCON_COUNTS)
    assert limits.centre == Decimal("32.5")
    assert limits.average_moving_range == Decimal("20")
    assert limits.upper == Decimal("85.7")
    assert limits.lower == Decimal("-20.7")  # not clipped unless the caller says so
    assert limits.upper_range == Decimal("65.36")


def test_spc_plotly_readme_example():
    analysis = xmr_analysis(list(zip(PLOTLY_MONTHS, PLOTLY_COUNTS, strict=True)), baseline_size=38)
    limits = analysis.segments[0].limits
    assert abs(limits.average_moving_range - Decimal("571.8918918918919")) < Decimal("1e-9")
    assert abs(limits.upper_range - Decimal("1868.9427027027025")) < Decimal("1e-9")
    assert abs(limits.centre - Decimal("2820.6315789473683")) < Decimal("1e-9")
    assert abs(limits.upper - Decimal("4341.864011379801")) < Decimal("1e-9")
    # The lower limit lies as far below the published centre as the published upper one above.
    assert abs(limits.lower - (2 * Decimal("2820.6315789473683") - Decimal("4341.864011379801"))) \
        < Decimal("1e-9")
    # Against the published upper limit 4341.86 the values 4412 (2022-07), 4385 (2023-06) and
    # 4699 (2023-07) lie above it; no value is below 1299.4.
    outside = [(s.period, s.side) for s in analysis.signals if s.rule == 1]
    assert outside == [("2022-07", ABOVE), ("2023-06", ABOVE), ("2023-07", ABOVE)]
    # Only 2409 -> 4412 (a range of 2003) exceeds the published upper range limit 1868.94.
    assert [p.period for p in analysis.points if p.range_signal] == ["2022-07"]


def test_sas_tires_example():
    limits = limits_from(SAS_TIRES)
    assert round(limits.centre, 4) == Decimal("24.0083")
    assert round(limits.average_moving_range, 6) == Decimal("0.056897")
    assert abs(limits.lower - Decimal("23.8571")) < Decimal("0.0002")
    assert abs(limits.upper - Decimal("24.1596")) < Decimal("0.0002")
    assert abs(limits.upper_range - Decimal("0.18585")) < Decimal("0.0002")


# The constructed series below start with a baseline of 20 values alternating 12 and 10:
# centre 11, every moving range 2, so the limits are 11 ± 2.66 × 2 = 5.68 and 16.32, the upper
# range limit 3.268 × 2 = 6.536 and the halfway lines 11 ± 2.66 = 8.34 and 13.66. Alternating
# values make no run and none passes a halfway line, so the baseline itself signals nothing.
BASELINE = [12, 10] * 10


def numbered(values):
    """[(1, v1), (2, v2), ...]: periods are plain numbers here."""
    return list(enumerate(values, start=1))


def signals_of(values, **options):
    return [(s.period, s.rule, s.side) for s in xmr_analysis(numbered(values), **options).signals]


def test_the_constructed_baseline():
    limits = xmr_analysis(numbered(BASELINE)).segments[0].limits
    assert (limits.centre, limits.lower, limits.upper) == (11, Decimal("5.68"), Decimal("16.32"))
    assert (limits.upper_halfway, limits.lower_halfway) == (Decimal("13.66"), Decimal("8.34"))
    assert limits.upper_range == Decimal("6.536") and not limits.provisional
    assert signals_of(BASELINE) == []


def test_rule_1_a_point_outside_the_limits():
    # 21: 17 > 16.32, above. 22: 16.32 is on the limit, not beyond it. 23: 11 is the centre.
    # 24: 5 < 5.68, below. No run (the centre value breaks it), no three of four past halfway.
    assert signals_of(BASELINE + [17, 16.32, 11, 5]) == [(21, 1, ABOVE), (24, 1, BELOW)]


def test_rule_2_eight_in_a_row_on_one_side():
    # 21-27: seven values of 11.5 above the centre are not yet a run of eight. 28: 11 is on the
    # centre line and breaks it. 29-36: eight values of 10.5 below it are, and all eight signal.
    # 11.5 and 10.5 stay inside the halfway lines, so rules 1 and 3 say nothing.
    values = BASELINE + [11.5] * 7 + [11] + [10.5] * 8
    assert signals_of(values) == [(period, 2, BELOW) for period in range(29, 37)]


def test_rule_2_a_longer_run_signals_throughout():
    # The ninth value of a run continues the signal: 21-29 are nine values of 12 above 11. The
    # baseline ends with 10 (below), so the run starts at 21.
    assert signals_of(BASELINE + [12] * 9) == [(period, 2, ABOVE) for period in range(21, 30)]


def test_rule_3_three_of_four_near_a_limit():
    # Past the upper halfway line 13.66: 14 at 21 and 24 — two of four (21-24), no signal.
    # Then 14 at 26, 28 and 29: the window 26-29 holds three of four, and those three signal
    # (27 is 11). Below: 8 < 8.34 at 31, 33, 34: window 31-34 holds three, they signal.
    # No value passes a limit, and no eight in a row lie on one side.
    values = BASELINE + [14, 11, 11, 14, 11, 14, 11, 14, 14, 11, 8, 11, 8, 8]
    assert signals_of(values) == [(26, 3, ABOVE), (28, 3, ABOVE), (29, 3, ABOVE),
                                  (31, 3, BELOW), (33, 3, BELOW), (34, 3, BELOW)]


def test_a_moving_range_above_its_limit():
    # 21: 16 is inside the limits but 16 - 10 = 6 is not above 6.536; 22: 9, 16 - 9 = 7 is.
    analysis = xmr_analysis(numbered(BASELINE + [16, 9]))
    assert [(p.period, p.moving_range) for p in analysis.points if p.range_signal] == [(22, 7)]


def test_a_new_baseline_takes_its_own_limits():
    # After period 20 the process moved: values alternate 24 and 20 (centre 22, moving range 4,
    # limits 22 ± 10.64). Judged by the first baseline every one of them is above 16.32; from a
    # new baseline at 21 none signals, and its first value has no moving range (it would span the
    # change).
    values = BASELINE + [24, 20] * 10
    assert {p for p, rule, _side in signals_of(values) if rule == 1} == set(range(21, 41))
    analysis = xmr_analysis(numbered(values), baseline_starts=[21])
    assert analysis.signals == ()
    first, second = analysis.segments
    assert (first.start, first.first, first.last, first.limits.centre) == (1, 0, 19, 11)
    assert (second.start, second.first, second.last) == (21, 20, 39)
    limits = second.limits
    assert (limits.centre, limits.lower, limits.upper) == (22, Decimal("11.36"), Decimal("32.64"))
    assert analysis.points[20].moving_range is None and analysis.points[21].moving_range == 4
    assert analysis.limits_for(analysis.points[25]) is limits


def test_a_baseline_start_between_periods_begins_at_the_next_value():
    series = [(1, 1), (2, 2), (3, 1), (5, 5), (6, 6)]  # no value for period 4
    analysis = xmr_analysis(series, baseline_starts=[4, 0, 9])
    assert [(s.start, s.first, s.last) for s in analysis.segments] == [(1, 0, 2), (5, 3, 4)]


def test_limits_come_from_the_first_twenty_values_only():
    # Five values of 40 after the baseline leave its limits as they were, and signal.
    analysis = xmr_analysis(numbered(BASELINE + [40] * 5))
    assert analysis.segments[0].limits.centre == 11
    assert {(s.period, s.rule) for s in analysis.signals} >= {(p, 1) for p in range(21, 26)}


def test_a_short_baseline_is_provisional_and_one_value_has_no_limits():
    analysis = xmr_analysis(numbered([3, 5, 4, 6, 5]), baseline_starts=[5])
    first, second = analysis.segments
    assert first.limits.count == 4 and first.limits.provisional
    assert second.limits is None and analysis.points[4].signals == ()
    assert analysis.summary().position is None


def test_a_floor_clips_the_lower_limit_only():
    limits = limits_from([0, 3, 0, 3], floor=0)  # centre 1.5, moving range 3: 1.5 - 7.98 < 0
    assert limits.lower == 0 and limits.upper == Decimal("9.48")
    assert limits.lower_halfway == Decimal("-2.49")  # the spread itself is unchanged


def test_summary_of_the_latest_value():
    summary = xmr_analysis(numbered(BASELINE + [7.9])).summary()
    assert (summary.period, summary.value, summary.position, summary.signals) == \
        (21, Decimal("7.9"), WITHIN, ())
    above = xmr_analysis(numbered(BASELINE + [17])).summary()
    assert above.position == ABOVE and [s.rule for s in above.signals] == [1]
    assert xmr_analysis([]).summary() is None


def test_floats_are_read_as_written_and_periods_must_increase():
    assert xmr_analysis([(1, 0.1)]).points[0].value == Decimal("0.1")
    with pytest.raises(ValueError):
        xmr_analysis([(2, 1), (1, 2)])
    with pytest.raises(ValueError):
        limits_from([5])
