"""Improvement ideas: services and API, on SQLite and PostgreSQL."""

import pytest
from sqlmodel import select

from boards import catalog, closing, ideas
from boards.cycles import current_cycle
from boards.errors import Conflict, Forbidden, Invalid, NotFound
from boards.idea_lists import idea_counts, idea_of_action, my_ideas, team_ideas
from boards.models import Action, Event, Idea
from boards.unit_of_work import unit_of_work

from .conftest import login


def _post(s, world, actor=None, title="Wachtrij bij de balie zichtbaar maken", **kw):
    return ideas.post_idea(s, actor or world.carla, world.wonen, title=title,
                           text=kw.pop("text", "Inwoners zien hoe lang ze wachten."), **kw)


def _logged(s, idea_id):
    return [e for e in s.exec(select(Event).order_by(Event.id)).all()
            if isinstance(e.after, dict) and e.after.get("idea_id") == idea_id]


def test_anyone_signed_in_posts_an_idea_that_starts_new(db, world):
    """Carla (not in Wonen) posts to Wonen: the idea is new, hers, logged once on Wonen."""
    with unit_of_work(db) as s:
        change = _post(s, world)
        s.commit()
        idea = change.idea
        assert (idea.team_id, idea.author_id, idea.state, idea.version, idea.action_id) == \
            (world.wonen_id, world.carla, "new", 1, None)
        assert change.kind == "idea.created" and change.new_counts == {"wonen": 1}
        logged = _logged(s, idea.id)
        assert [(e.kind, e.team_id, e.person_id) for e in logged] == \
            [("idea_posted", world.wonen_id, world.carla)]


def test_a_title_is_one_line_and_texts_are_limited(db, world):
    """No title, a title with a line break, a long text or an unknown team are refused."""
    with unit_of_work(db) as s:
        for title in ("", "   ", "Twee\nregels", "x" * 201, 7):
            with pytest.raises(Invalid) as caught:
                _post(s, world, title=title)
            assert caught.value.field == "title"
        with pytest.raises(Invalid) as caught:
            _post(s, world, text="x" * 4001)
        assert caught.value.field == "text"
        with pytest.raises(NotFound):
            ideas.post_idea(s, world.anna, "bestaat-niet", title="Idee")
        assert s.exec(select(Idea)).all() == []


def test_each_state_change_is_versioned_and_logged(db, world):
    """new → discussing → parked (with a reason) → discussing → declined (reason required)."""
    with unit_of_work(db) as s:
        idea = _post(s, world).idea
        ideas.discuss_idea(s, world.anna, idea.id, version=1)
        ideas.park_idea(s, world.bert, idea.id, version=2, reason="Na de verbouwing")
        assert (idea.state, idea.reason) == ("parked", "Na de verbouwing")
        ideas.discuss_idea(s, world.anna, idea.id, version=3)
        assert idea.reason == ""
        for missing in (None, "", "   "):
            with pytest.raises(Invalid) as caught:
                ideas.decline_idea(s, world.anna, idea.id, version=4, reason=missing)
            assert caught.value.field == "reason"
        change = ideas.decline_idea(s, world.anna, idea.id, version=4, reason="Past niet in de AVG")
        s.commit()
        assert (idea.state, idea.reason, idea.version) == ("declined", "Past niet in de AVG", 5)
        assert change.new_counts == {"wonen": 0}
        assert [e.kind for e in _logged(s, idea.id)] == [
            "idea_posted", "idea_discussed", "idea_parked", "idea_discussed", "idea_declined"]
        with pytest.raises(Conflict):  # declined is decided
            ideas.discuss_idea(s, world.anna, idea.id, version=5)


def test_only_the_teams_members_change_an_idea_and_versions_must_be_current(db, world):
    """Carla posted it but is not in Wonen: refused. A stale version is a conflict."""
    with unit_of_work(db) as s:
        idea = _post(s, world).idea
        with pytest.raises(Forbidden):
            ideas.discuss_idea(s, world.carla, idea.id, version=1)
        ideas.discuss_idea(s, world.admin, idea.id, version=1)  # admins may, as on the board
        with pytest.raises(Conflict):
            ideas.park_idea(s, world.anna, idea.id, version=1)
        with pytest.raises(Conflict):  # in that state already
            ideas.discuss_idea(s, world.anna, idea.id, version=2)
        with pytest.raises(Invalid):
            ideas.park_idea(s, world.anna, idea.id, version=None)
        with pytest.raises(NotFound):
            ideas.park_idea(s, world.anna, 999999, version=1)
        assert idea.version == 2


def test_adopting_creates_the_action_in_the_working_cycle_linked_both_ways(db, world):
    """The card has the idea's title and text, is owned by the adopter, lands in the current
    cycle; after Wonen closes it, the next adoption lands in the next cycle."""
    with unit_of_work(db) as s:
        idea = _post(s, world).idea
        change = ideas.adopt_idea(s, world.bert, idea.id, version=1)
        s.commit()
        card = change.action.action
        assert [c.kind for c in change.changes] == ["idea.changed", "created"]
        assert (card.title, card.notes, card.owner_id, card.team_id, card.cycle_number) == (
            idea.title, idea.text, world.bert, world.wonen_id, world.cycle)
        assert (idea.state, idea.action_id) == ("adopted", card.id)
        assert idea_of_action(s, card.id).id == idea.id
        adopted = _logged(s, idea.id)[-1]
        assert adopted.kind == "idea_adopted" and adopted.after["action_id"] == card.id
        with pytest.raises(Conflict):
            ideas.park_idea(s, world.anna, idea.id, version=2)
    with unit_of_work(db) as s:
        closing.close_team_cycle(s, world.anna, world.wonen, world.cycle,
                                 [{"action_id": card.id, "decision": "drop", "reason": "Later"}])
    with unit_of_work(db) as s:
        later = _post(s, world, title="Digitale wachtrij").idea
        change = ideas.adopt_idea(s, world.anna, later.id, version=1, owner_id=world.bert)
        s.commit()
        assert change.action.action.cycle_number == world.cycle + 1
        assert change.action.action.owner_id == world.bert


def test_adopting_for_an_owner_outside_the_team_changes_nothing(db, world):
    """The owner must be a member; the refusal leaves the idea as it was and adds no card."""
    with unit_of_work(db) as s:
        idea = _post(s, world).idea
        s.commit()
        with pytest.raises(Invalid) as caught:
            ideas.adopt_idea(s, world.anna, idea.id, version=1, owner_id=world.carla)
        assert caught.value.field == "owner_id"
        s.rollback()
        assert s.get(Idea, idea.id).state == "new"
        assert s.exec(select(Action)).all() == []


def test_an_idea_passed_to_the_team_of_teams_is_new_there_and_theirs(db, world):
    """Wonen passes it up; the Team van teams (Carla) decides on it, Wonen no longer can."""
    with unit_of_work(db) as s:
        tvt = catalog.create_team(s, world.admin, name="Team van teams", kind="team_of_teams")
        catalog.add_member(s, world.admin, tvt.id, world.carla)
        idea = _post(s, world, actor=world.anna).idea
        ideas.discuss_idea(s, world.anna, idea.id, version=1)
        for bad in (None, "bestaat-niet", world.wonen):
            with pytest.raises(Invalid) as caught:
                ideas.pass_idea(s, world.anna, idea.id, version=2, team_slug=bad)
            assert caught.value.field == "team"
        change = ideas.pass_idea(s, world.anna, idea.id, version=2, team_slug=tvt.slug,
                                 reason="Raakt alle teams")
        s.commit()
        assert (idea.team_id, idea.passed_from_team_id, idea.state) == (tvt.id, world.wonen_id,
                                                                         "new")
        assert change.new_counts == {tvt.slug: 1, "wonen": 0}
        assert change.passed_from.slug == "wonen"
        passed = _logged(s, idea.id)[-1]
        assert (passed.kind, passed.team_id, passed.after["from_team_id"]) == (
            "idea_passed", tvt.id, world.wonen_id)
        with pytest.raises(Forbidden):
            ideas.discuss_idea(s, world.anna, idea.id, version=3)
        ideas.discuss_idea(s, world.carla, idea.id, version=3)
        s.commit()
        assert [r.idea.id for r in team_ideas(s, tvt.slug).rows] == [idea.id]
        assert team_ideas(s, world.wonen).rows == []
        mine = my_ideas(s, world.anna)
        assert [(r.idea.id, r.team.slug, r.passed_from.slug) for r in mine] == [
            (idea.id, tvt.slug, "wonen")]


def test_set_idea_state_picks_the_service_and_refuses_stray_fields(db, world):
    """The API's one entry: unknown states, a team or owner where they do not belong, a reason
    with discussing: Invalid, naming the field."""
    with unit_of_work(db) as s:
        idea = _post(s, world).idea
        for fields, field in (({"state": "done"}, "state"), ({"state": None}, "state"),
                              ({"state": "parked", "team": "zorg"}, "team"),
                              ({"state": "parked", "owner_id": world.anna}, "owner_id"),
                              ({"state": "discussing", "reason": "Omdat"}, "reason")):
            with pytest.raises(Invalid) as caught:
                ideas.set_idea_state(s, world.anna, idea.id, version=1, **fields)
            assert caught.value.field == field, fields
        change = ideas.set_idea_state(s, world.anna, idea.id, state="parked", version=1)
        assert change.idea.state == "parked"


def test_the_review_counts_ideas_per_team_from_the_log(db, world):
    """In (posted or passed on to), adopted, parked, declined: per team, this cycle."""
    with unit_of_work(db) as s:
        first, second, third = (_post(s, world, title=f"Idee {n}").idea for n in range(3))
        ideas.adopt_idea(s, world.anna, first.id, version=1)
        ideas.park_idea(s, world.anna, second.id, version=1)
        ideas.decline_idea(s, world.anna, third.id, version=1, reason="Bestaat al")
        ideas.pass_idea(s, world.anna, second.id, version=2, team_slug=world.zorg)
        s.commit()
        counts = idea_counts(s, current_cycle(s))
    wonen, zorg = counts[world.wonen_id], counts[world.zorg_id]
    assert (wonen.came_in, wonen.adopted, wonen.parked, wonen.declined) == (3, 1, 1, 1)
    assert (zorg.came_in, zorg.adopted, zorg.parked, zorg.declined) == (1, 0, 0, 0)


# --- the API ------------------------------------------------------------------------------------

def test_api_posts_lists_and_changes_ideas(api_as, world, db):
    """POST 201 with the idea, GET with the new count, PATCH through every answer it has."""
    carla, anna = api_as("carla@test.example"), api_as("anna@test.example")
    posted = carla.post("/teams/wonen/ideas", {"title": "Balie op zaterdag", "text": "Werkenden"})
    assert posted.status_code == 201, posted.get_json()
    idea = posted.get_json()["idea"]
    assert (idea["team"], idea["state"], idea["author"]["id"], idea["version"],
            idea["passed_from"], idea["action_id"]) == ("wonen", "new", world.carla, 1, None, None)
    listed = anna.get("/teams/wonen/ideas").get_json()
    assert listed["new_count"] == 1 and [i["id"] for i in listed["ideas"]] == [idea["id"]]
    path = f"/ideas/{idea['id']}"
    refused = carla.patch(path, {"state": "discussing", "version": 1})
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json" and "API-Version" in refused.headers
    no_reason = anna.patch(path, {"state": "declined", "version": 1})
    assert no_reason.status_code == 422 and no_reason.get_json()["field"] == "reason"
    assert anna.patch(path, {"state": "discussing", "version": 1}).status_code == 200
    stale = anna.patch(path, {"state": "parked", "version": 1})
    assert stale.status_code == 409 and stale.get_json()["error"] == "conflict"
    assert anna.patch(path, {"state": "parked", "version": 2, "colour": "x"}).status_code == 422
    adopted = anna.patch(path, {"state": "adopted", "version": 2})
    assert adopted.status_code == 200, adopted.get_json()
    body = adopted.get_json()
    assert body["idea"]["state"] == "adopted" and body["idea"]["action_id"] == body["action_id"]
    board = anna.get("/teams/wonen/board").get_json()
    cards = [a for column in board["columns"] for a in column["actions"]]
    assert [(c["id"], c["title"], c["owner"]["id"]) for c in cards] == [
        (body["action_id"], "Balie op zaterdag", world.anna)]
    assert anna.get("/teams/wonen/ideas").get_json()["new_count"] == 0
    assert anna.patch("/ideas/999999", {"state": "parked", "version": 1}).status_code == 404
    assert carla.post("/teams/wonen/ideas", {"title": ""}).status_code == 422
    assert carla.post("/teams/geen-team/ideas", {"title": "Idee"}).status_code == 404
    assert carla.client.get("/api/v1/teams/wonen/ideas").status_code == 401


def test_api_declines_with_a_reason_and_passes_on(api_as, world):
    """The author reads the reason; a passed idea is new at the other team."""
    carla, anna = api_as("carla@test.example"), api_as("anna@test.example")
    first = carla.post("/teams/wonen/ideas", {"title": "Eerste"}).get_json()["idea"]
    second = carla.post("/teams/wonen/ideas", {"title": "Tweede"}).get_json()["idea"]
    declined = anna.patch(f"/ideas/{first['id']}", {"state": "declined", "version": 1,
                                                    "reason": "Doen we al"})
    assert declined.status_code == 200 and declined.get_json()["idea"]["reason"] == "Doen we al"
    passed = anna.patch(f"/ideas/{second['id']}", {"state": "passed", "version": 1,
                                                   "team": "zorg"})
    assert passed.status_code == 200, passed.get_json()
    assert (passed.get_json()["idea"]["team"], passed.get_json()["idea"]["state"],
            passed.get_json()["idea"]["passed_from"]) == ("zorg", "new", "wonen")
    assert carla.get("/teams/zorg/ideas").get_json()["new_count"] == 1


# --- pages and live updates -----------------------------------------------------------------------

def _htmx_post(client, path, data):
    return client.post(path, data=data, headers={"HX-Request": "true"})


def test_the_board_panel_posts_ideas_and_members_decide_on_them(client, world, db):
    """Carla posts through the panel (no buttons for her); Anna may not decline without a
    reason, then declines with one; the count of new ideas follows."""
    login(client, "carla@test.example")
    posted = _htmx_post(client, "/teams/wonen/ideas", {"title": "Koffie voor wachtenden",
                                                        "text": "Het wachten valt minder op."})
    html = posted.get_data(as_text=True)
    assert posted.status_code == 201 and 'id="ideas-panel"' in html
    assert "Koffie voor wachtenden" in html and 'data-new-ideas="1"' in html
    assert 'name="state"' not in html  # not a member of Wonen: no decisions
    with db.reader() as s:
        idea = s.exec(select(Idea)).one()
    client.post("/logout")
    login(client, "anna@test.example")
    board = client.get("/teams/wonen").get_data(as_text=True)
    # The page reads its list right after loading (the board's own statements stay few).
    assert 'id="ideas-panel"' in board and 'hx-get="/teams/wonen/ideas"' in board
    listed = client.get("/teams/wonen/ideas").get_data(as_text=True)
    assert f'id="idea-{idea.id}"' in listed and 'value="adopted"' in listed
    assert 'data-new-ideas="1"' in listed and 'hx-swap-oob="true"' in listed
    path = f"/teams/wonen/ideas/{idea.id}"
    refused = _htmx_post(client, path, {"state": "declined", "version": 1, "reason": ""})
    assert refused.status_code == 422 and "vb:error" in refused.headers["HX-Trigger"]
    declined = _htmx_post(client, path, {"state": "declined", "version": 1,
                                         "reason": "Niet toegestaan in de hal"})
    html = declined.get_data(as_text=True)
    assert declined.status_code == 200 and 'data-idea-state="declined"' in html
    assert 'id="ideas-new-count"' in html and 'hx-swap-oob="true"' in html
    assert 'data-new-ideas="0"' in html and "Niet toegestaan in de hal" in html
    stale = _htmx_post(client, path, {"state": "parked", "version": 1})
    assert stale.status_code == 409


def test_me_shows_my_ideas_and_what_became_of_them(client, world, db):
    """The author sees each idea's team, state and the reason it was declined."""
    with unit_of_work(db) as s:
        first = _post(s, world, title="Eerste idee").idea
        _post(s, world, title="Tweede idee")
        ideas.decline_idea(s, world.anna, first.id, version=1, reason="Te duur voor nu")
        s.commit()
    login(client, "carla@test.example")
    page = client.get("/me").get_data(as_text=True)
    assert 'id="my-ideas"' in page and "Eerste idee" in page and "Tweede idee" in page
    assert "Te duur voor nu" in page and "Afgewezen" in page and "Nieuw" in page
    alone = client.get("/me/ideas").get_data(as_text=True)
    assert alone.lstrip().startswith("<section") and "Te duur voor nu" in alone


def test_the_cycle_review_counts_ideas_per_team(client, world, db):
    """The review page and its JSON show what came in and what was decided, per team."""
    with unit_of_work(db) as s:
        one, two = _post(s, world, title="Een").idea, _post(s, world, title="Twee").idea
        ideas.adopt_idea(s, world.anna, one.id, version=1)
        ideas.park_idea(s, world.anna, two.id, version=1)
        s.commit()
    login(client, "anna@test.example")
    page = client.get(f"/cycles/{world.cycle}").get_data(as_text=True)
    row = page[page.index('id="ideas-wonen"'):]
    row = row[:row.index("</tr>")]
    assert [cell.split("<")[0] for cell in row.split("<td>")[1:]] == ["2", "1", "1", "0"]


def test_a_change_reaches_the_board_and_the_authors_room(app, client, world, db):
    """idea.created and idea.changed go to the board's room with its count of new ideas."""
    from app.extensions import socketio

    login(client, "anna@test.example")
    sock = socketio.test_client(app, flask_test_client=client)
    try:
        assert sock.emit("join", {"board": world.wonen}, callback=True)["ok"] is True
        sock.get_received()
        posted = _htmx_post(client, "/teams/wonen/ideas", {"title": "Live idee"})
        assert posted.status_code == 201
        received = [m for m in sock.get_received() if m["name"] == "idea.created"]
        assert len(received) == 1
        payload = received[0]["args"][0]
        assert payload["idea"]["title"] == "Live idee" and payload["new_ideas"] == {"wonen": 1}
        assert type(payload["seq"]) is int
        idea_id = payload["idea"]["id"]
        _htmx_post(client, f"/teams/wonen/ideas/{idea_id}", {"state": "adopted", "version": 1})
        received = sock.get_received()
        names = [m["name"] for m in received]
        assert names.count("idea.changed") == 1 and names.count("action.created") == 1
        card = next(m for m in received if m["name"] == "action.created")["args"][0]["action"]
        page = client.get(f"/actions/{card['id']}").get_data(as_text=True)
        assert 'id="from-idea"' in page and "Live idee" in page  # the card names its idea
    finally:
        sock.disconnect()


def test_my_data_download_holds_my_ideas(api_as, world):
    """GET /me/export lists the ideas the caller posted, with their state and reason."""
    carla, anna = api_as("carla@test.example"), api_as("anna@test.example")
    idea = carla.post("/teams/wonen/ideas", {"title": "Mijn idee"}).get_json()["idea"]
    anna.patch(f"/ideas/{idea['id']}", {"state": "declined", "version": 1, "reason": "Nee"})
    mine = carla.get("/me/export").get_json()["ideas"]
    assert [(i["id"], i["state"], i["reason"]) for i in mine] == [(idea["id"], "declined", "Nee")]
    assert anna.get("/me/export").get_json()["ideas"] == []
