"""The password policy knows where it is: zxcvbn gets the person's name and e-mail, the
organisation and its municipalities, the product's name and common Dutch words, on every path
that sets a password (own change, one-time link, API, CLI, seed)."""

import pytest

from boards import password_links, password_policy, people, seed
from boards.errors import Invalid
from boards.password_policy import (
    COMMON_DUTCH,
    PasswordContext,
    check_password,
    organisation_words,
    password_context,
    person_words,
)
from boards.unit_of_work import unit_of_work

from .conftest import login

FATIMA = ("Fatima Yilmaz", "fatima.yilmaz@test.example")
STRONG = "kameel paraplu dorpsstraat"
PERSONAL = "Een wachtwoord mag uw naam of e-mailadres niet bevatten."
LOCAL = "Een wachtwoord mag niet gebouwd zijn op de naam van de organisatie"
COMMON = "Dit wachtwoord is gebouwd op een veelgebruikt woord"
# The five the red team tried, each with the Dutch reason shown beside the field.
REFUSED = [(FATIMA[1], PERSONAL), ("FatimaYilmaz2026", PERSONAL), ("Welkom2026!!", COMMON),
           ("Verbeterbord2026", LOCAL), ("welkom12345!", COMMON)]


def test_the_word_list_is_shipped_and_dutch():
    """A plain text file in the repository with the obvious Dutch words in it."""
    for word in ("welkom", "wachtwoord", "zomer", "winter", "gemeente", "januari", "december",
                 "maandag", "zondag", "voetbal", "ajax", "feyenoord", "geheim", "verbeterbord"):
        assert word in COMMON_DUTCH


def test_the_context_holds_the_person_and_the_place(db, world):
    """Name and its parts, e-mail and its local part; organisation and municipalities."""
    assert {"fatima yilmaz", "fatima", "yilmaz", "fatima.yilmaz@test.example",
            "fatima.yilmaz"} <= set(person_words(*FATIMA))
    with db.reader() as s:
        words = organisation_words(s)
        context = password_context(s, world.anna)
    assert {"werkorganisatie test", "gilze en rijen", "gilze", "rijen"} <= set(words)
    assert {"anna ëlsen", "anna", "anna@test.example"} <= set(context.person)


@pytest.mark.parametrize(("password", "reason"), REFUSED)
def test_the_red_teams_five_are_refused_with_a_reason(db, world, password, reason):
    """Each refused by the service with the reason that fits (the page shows it in Dutch)."""
    english = {PERSONAL: password_policy.PERSONAL, LOCAL: password_policy.LOCAL,
               COMMON: password_policy.COMMON_WORD}[reason]
    with db.reader() as s:
        context = PasswordContext(person_words(*FATIMA), organisation_words(s))
    with pytest.raises(Invalid) as refused:
        check_password(password, context)
    assert refused.value.field == "password" and refused.value.message == english
    check_password(STRONG, context)


@pytest.mark.parametrize(("password", "reason"), REFUSED)
def test_setting_up_fatima_refuses_them_on_the_page(db, client, world, password, reason):
    """Through an admin's invite link: the Dutch reason stands beside the password field."""
    with unit_of_work(db) as s:
        fatima = people.create_person(s, name=FATIMA[0], email=FATIMA[1])
    with unit_of_work(db) as s:
        token = password_links.create_password_link(s, world.admin, fatima.id).token
    page = client.post(f"/password/{token}", data={"new": password, "repeat": password})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'id="new-error"' in html and reason in html.split('id="new-error"')[1]
    assert 'aria-invalid="true"' in html
    done = client.post(f"/password/{token}", data={"new": STRONG, "repeat": STRONG})
    assert done.status_code == 302


def test_own_change_uses_the_context(client, world, api_as):
    """The password page and the API: Anna's own name or e-mail is refused, a passphrase not."""
    login(client, "anna@test.example")
    own = client.post("/me/password", data={"current": "correct horse battery",
                                            "new": "AnnaElsen2026!", "repeat": "AnnaElsen2026!"})
    assert own.status_code == 422 and PERSONAL in own.get_data(as_text=True)
    api = api_as("anna@test.example")
    place = api.post("/me/password", {"current": "correct horse battery",
                                      "new": "GilzeEnRijen2026"})
    assert place.status_code == 422 and place.get_json()["field"] == "password"
    assert api.post("/me/password", {"current": "correct horse battery",
                                     "new": STRONG}).status_code == 204


def test_the_cli_and_the_seed_use_the_context(app, db, world):
    """create-admin refuses a password made of the new admin's own name; the demo seed one
    made of the demo organisation's municipality, before anything is seeded."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--name", FATIMA[0], "--email", FATIMA[1],
                                 "--password", "FatimaYilmaz2026"])
    assert result.exit_code != 0 and "name or e-mail" in result.output
    with db.reader() as s:
        assert people.Person is not None and s.exec(
            people.select(people.Person).where(people.Person.email == FATIMA[1])).first() is None
    municipality = seed.MUNICIPALITIES[0].replace(" ", "") + "2026!"
    with pytest.raises(Invalid):
        seed.check_demo_password(municipality)
    seed.check_demo_password(STRONG)
