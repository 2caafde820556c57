"""The edit dialog's form over HTTP: saving after others' changes, and a clash shown in the form."""

import json
import re

from boards import actions
from boards.unit_of_work import unit_of_work

from .conftest import login

HX = {"HX-Request": "true"}


def card(db, world, title="Belscript aanpassen"):
    with unit_of_work(db) as s:
        return actions.create_action(s, world.anna, world.wonen, title=title).action


def form(world, version, **typed):
    """What the dialog posts: every field, `typed` ones changed."""
    return {"version": str(version), "title": "Belscript aanpassen", "notes": "",
            "owner_id": str(world.anna), "goal_id": "", "due_date": "", "help_reason": "",
            **typed}


def test_the_form_shows_the_card_and_its_version(client, db, world):
    """GET /actions/<id>/edit as htmx: the partial with the card's values and version."""
    action = card(db, world, title="Offertes <b>opvragen</b>")
    login(client, "anna@test.example")
    html = client.get(f"/actions/{action.id}/edit", headers=HX).get_data(as_text=True)
    assert '<form class="stack"' in html and "<html" not in html
    assert 'name="version" value="1"' in html
    assert 'value="Offertes &lt;b&gt;opvragen&lt;/b&gt;"' in html
    assert "data-messages" in html and 'class="clash"' not in html


def test_saving_after_someone_else_moved_the_card_succeeds(client, db, world):
    """The form was opened at version 1; Bert moved the card; the save lands on version 3."""
    action = card(db, world)
    with unit_of_work(db) as s:
        actions.move_action(s, world.bert, action.id, status="doing", version=1)
    login(client, "anna@test.example")

    saved = client.post(f"/actions/{action.id}", headers=HX,
                        data=form(world, 1, title="Belscript herschrijven"))

    html = saved.get_data(as_text=True)
    assert saved.status_code == 200, html
    assert 'data-version="3"' in html and 'data-status="doing"' in html
    assert 'data-title="Belscript herschrijven"' in html


def test_a_clash_comes_back_as_the_form_with_the_typed_text(client, db, world):
    """Bert changed the title too: 409, the form again in the dialog, typed text kept, clash
    named."""
    action = card(db, world)
    with unit_of_work(db) as s:
        actions.edit_action(s, world.bert, action.id, version=1, fields={"title": "Bert's titel"})
    login(client, "anna@test.example")

    refused = client.post(f"/actions/{action.id}", headers=HX,
                          data=form(world, 1, title="Anna's <titel>", notes="Anna's notitie"))

    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert refused.headers["HX-Retarget"] == "#editor-body"
    assert refused.headers["HX-Reswap"] == "innerHTML"
    assert json.loads(refused.headers["HX-Trigger"])["vb:error"]["code"] == "conflict"
    assert 'name="version" value="2"' in html  # saving again goes over Bert's version
    assert 'value="Anna&#39;s &lt;titel&gt;"' in html
    assert ">Anna&#39;s notitie</textarea>" in html
    assert re.search(r'id="edit-title"[^>]*class="clash"', html)
    assert "Bert&#39;s titel" in html and "Titel" in html
    assert 'id="edit-notes" name="notes" rows="3" maxlength="4000">' in html  # no clash there

    again = client.post(f"/actions/{action.id}", headers=HX,
                        data=form(world, 2, title="Anna's <titel>", notes="Anna's notitie"))
    assert again.status_code == 200
    assert 'data-version="3"' in again.get_data(as_text=True)


def test_a_clash_without_htmx_is_the_edit_page(client, db, world):
    """A plain form post that clashes gets the whole edit page (409) with the typed text."""
    action = card(db, world)
    with unit_of_work(db) as s:
        actions.edit_action(s, world.bert, action.id, version=1, fields={"notes": "Bert's notitie"})
    login(client, "anna@test.example")

    refused = client.post(f"/actions/{action.id}", data=form(world, 1, notes="Anna's notitie"))

    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "<html" in html
    assert ">Anna&#39;s notitie</textarea>" in html and "HX-Retarget" not in refused.headers
