"""Two columns pasted from a spreadsheet, period and value, read all or nothing.

A spreadsheet copies cells separated by tabs; a CSV export (ours too) by semicolons. Blank
lines are skipped, and so is a first line that holds neither a period nor a number (column
titles such as "Periode;Waarde"). Any other line that is not a period and a number stops the
whole paste with an error naming the line: nothing is stored.
"""

from .errors import N_, Invalid
from .numbers import parse_number
from .periods import parse_period

MAX_LINES = 2000
FIELD = "text"
LINE_MESSAGES = {
    "week": N_("Line %(line)s: use a week like 2026-W07."),
    "month": N_("Line %(line)s: use a month like 2026-02."),
    "cycle": N_("Line %(line)s: use a cycle number like 25."),
    "Enter a number, like 7,9.": N_("Line %(line)s: enter a number, like 7,9."),
    "Use at most 6 decimals.": N_("Line %(line)s: use at most 6 decimals."),
    "This number is too large.": N_("Line %(line)s: this number is too large."),
}


def _line_error(message, line, **more):
    return Invalid(message, field=FIELD, item=line, params={"line": line, **more})


def _cells(text):
    """The line's cells, trailing empty ones dropped (a spreadsheet may copy an empty column)."""
    cells = [cell.strip() for cell in text.split("\t" if "\t" in text else ";")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _is_header(kind, cells):
    """Neither a period nor a number: column titles ("Periode", "Wachttijd (dagen)")."""
    for check, cell in ((parse_period, (kind, cells[0])), (parse_number, (cells[1],))):
        try:
            check(*cell)
        except Invalid:
            continue
        return False
    return True


def pasted_rows(kind, text, latest):
    """[(line number, Period, Decimal)] of the pasted text; Invalid naming the first bad line.

    `latest` is the period running now: a later one has no value yet."""
    if not isinstance(text, str) or not text.strip():
        raise Invalid(N_("Paste at least one line with a period and a value."), field=FIELD)
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise Invalid(N_("Paste at most 2000 lines at once."), field=FIELD)
    rows, seen, first = [], {}, True
    for number, line in enumerate(lines, start=1):
        cells = _cells(line)
        if not cells:
            continue
        if first and len(cells) == 2 and _is_header(kind, cells):
            first = False
            continue
        first = False
        if len(cells) != 2:
            raise _line_error(N_("Line %(line)s: use two columns, the period and the value."),
                              number)
        try:
            period = parse_period(kind, cells[0])
        except Invalid:
            raise _line_error(LINE_MESSAGES[kind], number) from None
        if period.ordinal > latest.ordinal:
            raise _line_error(N_("Line %(line)s: this period has not started yet."), number)
        if period.key in seen:
            raise _line_error(N_("Line %(line)s: this period is on line %(first)s too."), number,
                              first=seen[period.key])
        try:
            value = parse_number(cells[1])
        except Invalid as error:
            raise _line_error(LINE_MESSAGES[error.message], number) from None
        seen[period.key] = number
        rows.append((number, period, value))
    if not rows:
        raise Invalid(N_("Paste at least one line with a period and a value."), field=FIELD)
    return rows
