"""Admin sections in the browser's terms: forms post, destructive acts confirm, all logged."""

import re

from sqlmodel import select

from boards.models import Event, Goal, Membership, Municipality, Person, Team

from .conftest import login


def _kinds(db, count):
    with db.reader() as session:
        return [e.kind for e in session.exec(select(Event).order_by(Event.id)).all()][-count:]


def test_people_search_and_edit(client, db, world):
    """Search narrows the list; name, e-mail and role are saved and logged."""
    login(client, "admin@test.example")
    html = client.get("/admin/people?q=bakker").get_data(as_text=True)
    assert "Bert Bakker" in html and "Anna Ëlsen" not in html
    response = client.post(f"/admin/people/{world.bert}", data={
        "name": "Bert de Bakker", "email": "bert.bakker@test.example", "is_admin": "on",
        "active": "on"})
    assert response.status_code == 302
    with db.reader() as session:
        bert = session.get(Person, world.bert)
        assert (bert.name, bert.email, bert.is_admin) == ("Bert de Bakker",
                                                          "bert.bakker@test.example", True)
    assert _kinds(db, 1) == ["person_edited"]


def test_disabling_and_anonymising_need_confirmation(client, db, world):
    """Unticking 'active' without the confirmation box changes nothing; with it, it disables.
    Anonymise is offered for a disabled person only, and also asks for confirmation."""
    login(client, "admin@test.example")
    fields = {"name": "Carla Çelik", "email": "carla@test.example"}
    assert "/anonymise" not in client.get(f"/admin/people/{world.carla}").get_data(as_text=True)
    client.post(f"/admin/people/{world.carla}", data=fields)
    with db.reader() as session:
        assert session.get(Person, world.carla).active
    client.post(f"/admin/people/{world.carla}", data={**fields, "confirm": "yes"})
    with db.reader() as session:
        assert not session.get(Person, world.carla).active
    page = client.get(f"/admin/people/{world.carla}").get_data(as_text=True)
    assert 'action="/admin/people/%d/anonymise"' % world.carla in page
    client.post(f"/admin/people/{world.carla}/anonymise")
    with db.reader() as session:
        assert session.get(Person, world.carla).name == "Carla Çelik"
    client.post(f"/admin/people/{world.carla}/anonymise", data={"confirm": "yes"})
    with db.reader() as session:
        assert session.get(Person, world.carla).name == "Oud-medewerker 1"
    assert _kinds(db, 2) == ["person_edited", "person_anonymised"]


def test_team_page_preselects_nobody_and_confirms_removal(client, db, world):
    """'Add member' starts on an empty choice; taking out and retiring need the box ticked."""
    login(client, "admin@test.example")
    html = client.get(f"/admin/teams/{world.wonen_id}").get_data(as_text=True)
    add = re.search(r'<select id="new-member".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*selected", add) == ['<option value="" selected']
    assert "Carla Çelik" in add and "Anna Ëlsen" not in add  # members are not offered again
    client.post(f"/admin/teams/{world.wonen_id}/members/add", data={"person_id": world.carla})
    client.post(
        f"/admin/teams/{world.wonen_id}", data={"name": "Wonen", "delegate_id": world.carla}
    )
    client.post(f"/admin/teams/{world.wonen_id}/members/{world.anna}/remove")
    with db.reader() as session:
        assert session.get(Membership, (world.wonen_id, world.anna)) is not None
    client.post(f"/admin/teams/{world.wonen_id}/members/{world.anna}/remove",
                data={"confirm": "yes"})
    client.post(f"/admin/teams/{world.wonen_id}/retire", data={"retired": "1"})
    with db.reader() as session:
        assert session.get(Membership, (world.wonen_id, world.anna)) is None
        team = session.get(Team, world.wonen_id)
        assert team.delegate_id == world.carla and team.retired_at is None
    client.post(f"/admin/teams/{world.wonen_id}/retire", data={"retired": "1", "confirm": "yes"})
    with db.reader() as session:
        assert session.get(Team, world.wonen_id).retired_at is not None
    assert "Wonen" not in client.get("/teams").get_data(as_text=True).split("<main")[1]
    assert _kinds(db, 4) == ["member_added", "team_edited", "member_removed", "team_edited"]


def test_organisation_municipalities(client, db, world):
    """Add a municipality; removing one needs the box ticked; both logged."""
    login(client, "admin@test.example")
    client.post("/admin/organisation/municipalities", data={"name": "Baarle-Nassau"})
    with db.reader() as session:
        added = session.exec(select(Municipality).where(Municipality.name == "Baarle-Nassau")).one()
    assert "Baarle-Nassau" in client.get("/admin/organisation").get_data(as_text=True)
    client.post(f"/admin/organisation/municipalities/{added.id}/remove")
    with db.reader() as session:
        assert session.get(Municipality, added.id) is not None
    client.post(f"/admin/organisation/municipalities/{added.id}/remove", data={"confirm": "yes"})
    with db.reader() as session:
        assert session.get(Municipality, added.id) is None
    assert _kinds(db, 2) == ["municipality_added", "municipality_removed"]


def test_goal_form_preselects_nothing_and_links_to_the_goals_page(client, db, world):
    """'Add goal' starts every choice on an empty 'Kies…' (required); a post without a choice is
    refused with a message naming it; the section sends editing to /goals."""
    login(client, "admin@test.example")
    html = client.get("/admin/").get_data(as_text=True)
    for name in ("ambition", "horizon", "parent"):
        select_ = re.search(rf'<select id="new-goal-{name}"[^>]*>.*?</select>', html, re.S).group(0)
        assert " required>" in select_.split("<option", 1)[0], name
        assert re.findall(r"<option[^>]*selected[^>]*>[^<]*", select_) == [
            '<option value="" selected disabled>Kies…'], name
    assert re.search(r'id="goals-page-link">[^<]*<a href="/goals">', html)
    assert 'href="/goals#ambition-1"' in html
    chosen = {"ambition_id": "1", "horizon": "long", "parent_id": "none", "title": "Digitaal eerst"}
    for missing, message in (("ambition_id", "Kies een ambitie."),
                             ("horizon", "Kies lange of korte termijn."),
                             ("parent_id", "Kies het doel op lange termijn waar het onder valt")):
        data = {k: v for k, v in chosen.items() if k != missing}
        page = client.post("/admin/goals", data=data, follow_redirects=True).get_data(as_text=True)
        assert message in page, missing
    with db.reader() as session:
        assert session.exec(select(Goal).where(Goal.title == "Digitaal eerst")).first() is None
    client.post("/admin/goals", data=chosen)
    client.post("/admin/goals", data={**chosen, "horizon": "short", "title": "Formulier online",
                                      "parent_id": str(world.long_goal)})
    with db.reader() as session:
        long_goal = session.exec(select(Goal).where(Goal.title == "Digitaal eerst")).one()
        short = session.exec(select(Goal).where(Goal.title == "Formulier online")).one()
    assert (long_goal.horizon, long_goal.parent_id) == ("long", None)
    assert (short.horizon, short.parent_id) == ("short", world.long_goal)
