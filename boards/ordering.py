"""Fractional-index keys: order within a column without renumbering the column.

A key is a base-36 fraction written without its "0." and without trailing
zeros, so keys compare as plain strings and between any two there is another.
"""

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
BASE = len(DIGITS)
# Past this length a column is given fresh, short keys (see `spread_keys`).
MAX_KEY_LENGTH = 24


def _digit(key, i):
    return DIGITS.index(key[i]) if i < len(key) else 0


def key_between(low, high):
    """A key strictly between `low` and `high`; None means the start or end of the column."""
    low = low or ""
    if high is not None and not low < high:
        raise ValueError(f"{low!r} is not below {high!r}")
    return _midpoint(low, high)


def _midpoint(low, high):
    if high is not None:
        n = 0
        while n < len(high) and (low[n] if n < len(low) else "0") == high[n]:
            n += 1
        if n > 0:
            return high[:n] + _midpoint(low[n:], high[n:])
    d_low = _digit(low, 0)
    d_high = DIGITS.index(high[0]) if high else BASE
    if d_high - d_low > 1:
        return DIGITS[(d_low + d_high) // 2]
    if high is not None and len(high) > 1:
        return high[0]
    return DIGITS[d_low] + _midpoint(low[1:], None)


def spread_keys(count):
    """`count` short keys, evenly spaced with room at both ends."""
    width = 1
    while BASE**width < 4 * (count + 1):
        width += 1
    step = BASE**width // (count + 1)
    keys = []
    for i in range(1, count + 1):
        value, digits = step * i, []
        for _ in range(width):
            value, rest = divmod(value, BASE)
            digits.append(DIGITS[rest])
        keys.append("".join(reversed(digits)).rstrip("0"))
    return keys
