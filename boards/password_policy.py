"""Password policy: long enough, and not one of the passwords everybody tries first."""

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from .errors import N_, Invalid

MIN_LENGTH = 12
MAX_LENGTH = 500
# zxcvbn ships the 30,000 most used passwords from leaked lists (no network needed).
COMMON = frozenset(FREQUENCY_LISTS["passwords"])
# zxcvbn's score 0-4; below 3 it is guessable with an offline attack within days.
MIN_SCORE = 3
# zxcvbn refuses longer input (ValueError), and its matching grows with the length.
SCORED_LENGTH = 72


def check_password(password):
    """Raise Invalid unless the password may be used."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise Invalid(N_("A password needs at least 12 characters."), field="password")
    if len(password) > MAX_LENGTH:
        raise Invalid(N_("A password can have at most 500 characters."), field="password")
    squeezed = "".join(password.split()).lower()
    # The first SCORED_LENGTH characters decide well enough.
    if squeezed in COMMON or zxcvbn(password[:SCORED_LENGTH])["score"] < MIN_SCORE:
        raise Invalid(N_("This password is too common or too easy to guess."), field="password")
