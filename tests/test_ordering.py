"""Fractional-index keys: always strictly between, never a trailing zero, short after spreading."""

from hypothesis import given
from hypothesis import strategies as st

from boards.ordering import DIGITS, key_between, spread_keys

keys = st.text(alphabet=DIGITS, min_size=1, max_size=12).filter(lambda k: not k.endswith("0"))


@given(keys, keys)
def test_key_between_two_keys(a, b):
    """Between any two distinct keys there is a key without trailing zeros."""
    if a == b:
        return
    low, high = sorted((a, b))
    key = key_between(low, high)
    assert low < key < high and not key.endswith("0")


@given(keys)
def test_key_at_either_end(a):
    """There is always room before the first and after the last key."""
    assert key_between(None, a) < a < key_between(a, None)


def test_many_inserts_at_the_top_stay_ordered():
    """Repeated inserts at the top keep strict order (the keys grow, spreading resets them)."""
    column = [key_between(None, None)]
    for _ in range(200):
        column.insert(0, key_between(None, column[0]))
    assert column == sorted(column) and len(set(column)) == len(column)
    fresh = spread_keys(len(column))
    assert fresh == sorted(fresh) and len(set(fresh)) == len(fresh)
    assert max(map(len, fresh)) <= 3
