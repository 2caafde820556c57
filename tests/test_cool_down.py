"""The flood cool-down (app/socket_guard.py CoolDown): how long, for whom, and bounded."""

from app.socket_guard import CoolDown


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_keys_cool_down_for_the_given_seconds():
    """A key added is refused for `seconds` (rounded up), others never; then it is free again."""
    clock = Clock()
    cool = CoolDown(30, clock=clock)
    cool.add(["person:1", "token:abc"])
    assert cool.left(["token:abc"]) == 30
    assert cool.left(["person:2", "address:10.0.0.1"]) == 0
    clock.now += 29.5
    assert cool.left(["person:2", "person:1"]) == 1
    clock.now += 0.5
    assert cool.left(["person:1"]) == 0 and "person:1" not in cool.until


def test_zero_seconds_turns_it_off():
    """SOCKET_FLOOD_COOLDOWN=0: nothing is kept."""
    cool = CoolDown(0)
    cool.add(["person:1"])
    assert cool.left(["person:1"]) == 0 and not cool.until


def test_it_stays_bounded_dropping_expired_then_oldest_keys():
    """Full: expired keys go first, then the oldest; the newest always fits."""
    clock = Clock()
    cool = CoolDown(10, size=3, clock=clock)
    cool.add(["a", "b"])
    clock.now += 5
    cool.add(["c"])
    clock.now += 6  # a and b have expired
    cool.add(["d", "e"])
    assert set(cool.until) == {"c", "d", "e"}
    cool.add(["f"])  # none expired: the oldest (c) goes
    assert set(cool.until) == {"d", "e", "f"}
    assert cool.left(["f"]) == 10
