"""Password policy: long enough, not one everybody tries first, and not built from what an
attacker knows about the person and the place: their name and e-mail address, the
organisation and its municipalities, the product, and common Dutch words (zxcvbn's user_inputs).
"""

import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

from sqlmodel import select
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from .errors import N_, Invalid
from .models import Municipality, Organisation, Person

MIN_LENGTH = 12
MAX_LENGTH = 500
# zxcvbn ships the 30,000 most used passwords from leaked lists (no network needed).
COMMON = frozenset(FREQUENCY_LISTS["passwords"])
# zxcvbn's score 0-4. With the words below as user_inputs, "Welkom2026!!" and
# "FatimaYilmaz2026" still score 3 (about 10^8 guesses, hours offline): only 4 (10^10) is safe.
MIN_SCORE = 4
# zxcvbn refuses longer input (ValueError), and its matching grows with the length.
SCORED_LENGTH = 72
WORD_LIST = Path(__file__).with_name("common_passwords_nl.txt")
COMMON_DUTCH = tuple(line.strip().lower() for line in WORD_LIST.read_text("utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))
PRODUCT = "verbeterbord"
WORD_SPLIT = re.compile(r"[\s.\-_+@,'’]+")

PERSONAL = N_("A password may not contain your name or e-mail address.")
LOCAL = N_("A password may not be built on the name of the organisation, a municipality or "
           "Verbeterbord.")
TOO_COMMON = N_("This password is too common or too easy to guess.")
COMMON_WORD = N_("This password is built on a common word (such as welkom, a month or a "
                 "football club) with a few digits or signs. Choose a few unrelated words.")


class PasswordContext(NamedTuple):
    """What an attacker would try first for this person: their words and the place's."""

    person: tuple = ()
    organisation: tuple = ()


def _plain(text):
    """The text without accents ("Ëlsen" -> "Elsen"): people type their names both ways."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def context_words(*texts):
    """Each text as a whole (lower case, with and without accents) and its parts of three
    letters or more."""
    found = []
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        for whole in dict.fromkeys((text.strip().lower(), _plain(text.strip().lower()))):
            found += _split(whole)
    return tuple(dict.fromkeys(found))


def _split(whole):
    """The whole, the whole without separators, and its parts of three letters or more."""
    return [whole, "".join(WORD_SPLIT.split(whole)),
            *(part for part in WORD_SPLIT.split(whole) if len(part) >= 3)]


def person_words(name, email):
    """The person's name, its parts, the e-mail address, its local part and that part's parts."""
    local = email.split("@")[0] if isinstance(email, str) else None
    return context_words(name, email, local)


def organisation_words(session):
    """The organisation's name and its municipalities, and their words (reads)."""
    names = list(session.exec(select(Organisation.name)).all())
    names += session.exec(select(Municipality.name)).all()
    return context_words(*names)


def password_context(session, person_id):
    """The context for setting the password of the person with this id (reads)."""
    person = session.get(Person, person_id) if person_id is not None else None
    return PasswordContext(person_words(person.name, person.email) if person else (),
                           organisation_words(session))


def check_password(password, context):
    """Raise Invalid (with a message that says why) unless the password may be used."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise Invalid(N_("A password needs at least 12 characters."), field="password")
    if len(password) > MAX_LENGTH:
        raise Invalid(N_("A password can have at most 500 characters."), field="password")
    squeezed = "".join(password.split()).lower()
    if squeezed in COMMON:
        raise Invalid(TOO_COMMON, field="password")
    words = (*context.person, *context.organisation, PRODUCT, *COMMON_DUTCH)
    # The first SCORED_LENGTH characters decide well enough.
    result = zxcvbn(password[:SCORED_LENGTH], user_inputs=words)
    if result["score"] < MIN_SCORE:
        raise Invalid(_why(result, context), field="password")


def _why(result, context):
    """The message for a refused password: the word it was built on, if it was one of ours."""
    used = {match.get("matched_word") for match in result["sequence"]
            if match.get("dictionary_name") == "user_inputs"}
    if used & set(context.person):
        return PERSONAL
    if used & {*context.organisation, PRODUCT}:
        return LOCAL
    if used & set(COMMON_DUTCH):
        return COMMON_WORD
    return TOO_COMMON
