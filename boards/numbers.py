"""Whole numbers in input: an int that is not a bool (JSON's true is not 1), within a range."""

INT64_LIMIT = 2**63  # a 64-bit column holds integers of absolute value below this


def is_int(value):
    """True for an int that is not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_int_between(value, low, high):
    """True for an int (not a bool) from low to high, both included."""
    return is_int(value) and low <= value <= high


def is_int64(value):
    """True for an int (not a bool) that a 64-bit column holds: a version, a count."""
    return is_int_between(value, -(INT64_LIMIT - 1), INT64_LIMIT - 1)
