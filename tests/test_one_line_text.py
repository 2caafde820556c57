"""Line breaks and other control characters are refused at input in one-line fields (titles,
names), on every path: the services, forms, the API and SCIM. A title with a line break had
made every mail that carried it fail."""

import pytest

from boards import actions, catalog, displays, goals, organisation, people, teams
from boards.errors import Invalid
from boards.unit_of_work import unit_of_work
from boards.validation import clean_line, clean_text

from .conftest import login

BREAKS = ["a\nb", "a\rb", "a\r\nBcc: x@evil.example", "a\tb", "a\x00b", "a\u2028b", "a\u2029b",
          "a\x1bb", "a\x85b", "a\x7fb"]
SCIM_AUTH = {"Authorization": "Bearer directory-secret-for-tests"}


@pytest.mark.parametrize("text", BREAKS, ids=repr)
def test_clean_line_refuses_line_breaks_and_control_characters(text):
    """The one function for one line of text; several lines (notes) keep their breaks."""
    with pytest.raises(Invalid) as refused:
        clean_line(text, "title")
    assert refused.value.field == "title"
    assert clean_line("  Één regel – met “tekens” ✓ ", "title") == "Één regel – met “tekens” ✓"
    assert clean_text("regel 1\nregel 2", "notes", 100) == "regel 1\nregel 2"


def _services(world):
    """Every service that takes one line of text, as (name, call(session, text))."""
    return [
        ("action title", lambda s, t: actions.create_action(s, world.anna, "wonen", title=t)),
        ("action edit", lambda s, t: actions.edit_action(
            s, world.anna, actions.create_action(s, world.anna, "wonen", title="x").action.id,
            version=1, fields={"title": t})),
        ("team goal", lambda s, t: goals.create_team_goal(
            s, world.anna, "wonen", title=t, horizon="short", parent_id=world.long_goal)),
        ("goal", lambda s, t: catalog.create_goal(s, world.admin, ambition_id=1,
                                                  horizon="long", title=t)),
        ("ambition", lambda s, t: catalog.create_ambition(s, world.admin, title=t)),
        ("ambition (goals)", lambda s, t: goals.create_ambition(s, world.admin, title=t)),
        ("team", lambda s, t: catalog.create_team(s, world.admin, name=t)),
        ("team rename", lambda s, t: teams.update_team(s, world.admin, world.wonen_id, name=t)),
        ("person", lambda s, t: people.create_person(s, name=t, email="nieuw@test.example")),
        ("e-mail", lambda s, t: people.create_person(s, name="Nieuw", email=t + "@test.example")),
        ("token name", lambda s, t: people.issue_token(s, world.anna, name=t)),
        ("organisation", lambda s, t: organisation.rename_organisation(s, world.admin, t)),
        ("municipality", lambda s, t: organisation.add_municipality(s, world.admin, t)),
        ("display", lambda s, t: displays.create_display_link(s, world.admin, label=t)),
    ]


@pytest.mark.parametrize("text", ["a\nb", "a\r\nb", "a\tb", "a\u2028b"], ids=repr)
def test_every_one_line_field_refuses_a_line_break(db, world, text):
    """Titles and names of actions, goals, ambitions, teams, people, tokens, the organisation,
    its municipalities and display links."""
    for name, call in _services(world):
        with pytest.raises(Invalid) as refused, unit_of_work(db) as session:
            call(session, text)
        assert "one line" in refused.value.message, name


def test_the_form_shows_the_error_beside_the_field(client, world):
    """A new card's title with a line break: refused; htmx gets the Dutch message for the
    title field (the page script shows it beside the field)."""
    import json
    login(client, "anna@test.example")
    response = client.post("/teams/wonen/actions", data={"title": "Bellen\nBcc: x@evil.example"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    error = json.loads(response.headers["HX-Trigger"])["vb:error"]
    assert error == {"code": "invalid", "field": "title",
                     "message": "Gebruik één regel, zonder regeleinden of stuurtekens."}


def test_the_api_refuses_a_title_with_a_line_break(world, api_as):
    """422 naming the field."""
    anna = api_as("anna@test.example")
    response = anna.post("/teams/wonen/actions", {"title": "Bellen\r\nmet de wethouder"})
    assert response.status_code == 422
    assert response.get_json()["field"] == "title"


@pytest.mark.parametrize("field", ["displayName", "userName"])
def test_scim_refuses_names_with_line_breaks(db_url, world, field):
    """A clear 400 (invalidValue) from SCIM, for users and groups."""
    from .conftest import make_app
    app = make_app(db_url, SCIM_TOKEN="directory-secret-for-tests")
    client = app.test_client()
    user = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "dirk@gemeente.example", "displayName": "Dirk de Vries",
            "emails": [{"value": "dirk@gemeente.example", "primary": True}]}
    user[field] = {"displayName": "Dirk\nde Vries", "userName": "dirk\n@gemeente.example"}[field]
    response = client.post("/scim/v2/Users", json=user, headers=SCIM_AUTH)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["scimType"] == "invalidValue"
    group = client.post("/scim/v2/Groups", headers=SCIM_AUTH, json={
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Team\nX"})
    assert group.status_code == 400
    app.extensions["verbeterbord.db"].dispose()
