"""Goals owned by the right people: services and API, on SQLite and PostgreSQL."""

import json
import re
from datetime import date

import pytest
from sqlmodel import select

from boards import actions, catalog, goals, queries
from boards.cycles import today_local
from boards.errors import Conflict, Forbidden, Invalid, NotFound
from boards.models import Ambition, Event, Goal
from boards.unit_of_work import unit_of_work

from .conftest import login


def _short(s, world, actor=None, title="Wachttijd halveren", **kw):
    return goals.create_team_goal(s, actor or world.anna, world.wonen, title=title,
                                  horizon="short", parent_id=world.long_goal, **kw)


def test_member_creates_short_term_goal_for_the_team(db, world):
    """A member's short-term goal belongs to the team, is open, and is logged once."""
    with unit_of_work(db) as s:
        change = _short(s, world, target_date=date(2027, 3, 1))
        goal = change.goal
        assert (goal.team_id, goal.status, goal.version, goal.horizon) == \
            (world.wonen_id, "open", 1, "short")
        assert change.kind == "goal.created" and change.team_slugs == ("wonen",)
        logged = s.exec(select(Event).where(Event.goal_id == goal.id)).all()
        assert [e.kind for e in logged] == ["goal_created"]
        assert logged[0].person_id == world.anna and logged[0].team_id == world.wonen_id


def test_non_member_may_not_create_or_change_team_goals(db, world):
    """Carla (team zorg) may not set or change Wonen's short-term goals; an admin may."""
    with unit_of_work(db) as s:
        with pytest.raises(Forbidden):
            _short(s, world, actor=world.carla)
        goal = _short(s, world).goal
        with pytest.raises(Forbidden):
            goals.edit_goal(s, world.carla, goal.id, version=1, fields={"status": "achieved"})
        assert (
            _short(s, world, actor=world.admin, title="Door admin").goal.team_id == world.wonen_id
        )


def test_short_term_goal_needs_a_long_term_parent_of_the_teams_ambitions(db, world):
    """No parent, a short-term parent or another ambition's goal: Invalid on parent_id."""
    with unit_of_work(db) as s:
        other = catalog.create_ambition(s, world.admin, title="Elders")
        foreign = catalog.create_goal(s, world.admin, ambition_id=other.id, horizon="long",
                                      title="Niet van Wonen")
        for parent in (None, world.short_goal, foreign.id, 999999, "1"):
            with pytest.raises(Invalid) as caught:
                goals.create_team_goal(s, world.anna, world.wonen, title="X", horizon="short",
                                       parent_id=parent)
            assert caught.value.field == "parent_id"
        with pytest.raises(Invalid):
            goals.create_team_goal(s, world.anna, world.wonen, title="X", horizon="middle")
        with pytest.raises(Invalid):
            _short(s, world, title="  ")


def test_long_term_goals_belong_to_admins_and_the_team_of_teams(db, world):
    """A member may not set a long-term goal; the Team van teams' member and a delegate may."""
    with unit_of_work(db) as s:
        with pytest.raises(Forbidden):
            goals.create_team_goal(s, world.anna, world.wonen, title="Lang", horizon="long",
                                   ambition_id=1)
        tvt = catalog.create_team(s, world.admin, name="Team van teams", kind="team_of_teams")
        catalog.add_member(s, world.admin, tvt.id, world.carla)
        ambition = s.exec(select(Ambition)).first()
        goal = goals.create_long_goal(s, world.carla, ambition_id=ambition.id,
                                      title="Lang doel").goal
        assert goal.horizon == "long" and goal.team_id is None
        catalog.add_member(s, world.admin, world.zorg_id, world.bert, delegate=True)
        change = goals.edit_goal(s, world.bert, goal.id, version=1, fields={"title": "Langer"})
        assert change.goal.title == "Langer" and change.team_slugs == ("wonen", "zorg")
        with pytest.raises(Forbidden):
            goals.edit_goal(s, world.anna, goal.id, version=2, fields={"status": "retired"})


def test_achieve_retire_reopen_with_versions(db, world):
    """Each status change bumps the version and logs its own kind; a stale version conflicts."""
    with unit_of_work(db) as s:
        goal_id = _short(s, world).goal.id
        achieved = goals.edit_goal(s, world.bert, goal_id, version=1,
                                   fields={"status": "achieved"}).goal
        assert (achieved.status, achieved.version, achieved.achieved_on) == \
            ("achieved", 2, today_local())
        with pytest.raises(Conflict):
            goals.edit_goal(s, world.bert, goal_id, version=1, fields={"status": "retired"})
        goals.edit_goal(s, world.bert, goal_id, version=2, fields={"status": "open"})
        retired = goals.edit_goal(s, world.bert, goal_id, version=3,
                                  fields={"status": "retired", "title": "Anders"}).goal
        assert (retired.status, retired.achieved_on, retired.title) == ("retired", None, "Anders")
        unchanged = goals.edit_goal(s, world.bert, goal_id, version=4, fields={"title": "Anders"})
        assert unchanged.event is None and unchanged.goal.version == 4
        kinds = s.exec(select(Event.kind).where(Event.goal_id == goal_id).order_by(Event.id)).all()
        assert kinds == ["goal_created", "goal_achieved", "goal_reopened", "goal_retired"]
        with pytest.raises(Invalid):
            goals.edit_goal(s, world.bert, goal_id, version=4, fields={"status": "done"})
        with pytest.raises(Invalid):
            goals.edit_goal(s, world.bert, goal_id, version=None, fields={"title": "Y"})
        with pytest.raises(Invalid):
            goals.edit_goal(s, world.bert, goal_id, version=4, fields={"horizon": "long"})
        with pytest.raises(NotFound):
            goals.edit_goal(s, world.bert, 2**40, version=1, fields={})


def test_closed_goals_leave_the_pickers_but_cards_keep_them(db, world):
    """No new card under an achieved goal; a card already under it keeps it through an edit."""
    with unit_of_work(db) as s:
        goal_id = _short(s, world).goal.id
        card = actions.create_action(s, world.anna, world.wonen, title="Bellen",
                                     goal_id=goal_id).action
        goals.edit_goal(s, world.anna, goal_id, version=1, fields={"status": "achieved"})
        with pytest.raises(Invalid) as caught:
            actions.create_action(s, world.anna, world.wonen, title="Nog een", goal_id=goal_id)
        assert caught.value.field == "goal_id"
        edited = actions.edit_action(s, world.anna, card.id, version=card.version,
                                     fields={"title": "Bellen!", "goal_id": goal_id}).action
        assert edited.goal_id == goal_id
    with db.reader() as s:
        view = queries.team_goals(s, world.wonen)
        assert {g.id: g.status for g in view.short_goals}[goal_id] == "achieved"


def test_ambitions_edit_reorder_retire(db, world):
    """Goal setters edit, move and retire ambitions; a retired ambition takes no new goals."""
    with unit_of_work(db) as s:
        first = s.exec(select(Ambition)).first()
        second = goals.create_ambition(s, world.admin, title="Duurzaam", colour="#2da44e").ambition
        assert second.order > first.order
        goals.move_ambition(s, world.admin, second.id, offset=-1)
        assert [a.title for a in queries.ambition_list(s)] == ["Duurzaam", first.title]
        assert goals.move_ambition(s, world.admin, second.id, offset=-1).event is None
        with pytest.raises(Forbidden):
            goals.edit_ambition(s, world.anna, first.id, version=1, fields={"retired": True})
        change = goals.edit_ambition(s, world.admin, first.id, version=1,
                                     fields={"title": "Dichtbij", "colour": "#123456"})
        assert change.ambition.version == 2 and change.team_slugs == ("wonen", "zorg")
        with pytest.raises(Conflict):
            goals.edit_ambition(s, world.admin, first.id, version=1, fields={"retired": True})
        goals.edit_ambition(s, world.admin, first.id, version=2, fields={"retired": True})
        with pytest.raises(Invalid):  # its goals take no new actions either
            actions.create_action(s, world.anna, world.wonen, title="X", goal_id=world.short_goal)
        with pytest.raises(Invalid):
            goals.create_long_goal(s, world.admin, ambition_id=first.id, title="Te laat")
        with pytest.raises(Invalid):
            goals.edit_ambition(s, world.admin, first.id, version=3, fields={"colour": "red"})
        kinds = s.exec(select(Event.kind).where(Event.kind.like("ambition_%"))
                       .order_by(Event.id)).all()
        assert kinds[-4:] == ["ambition_created", "ambition_moved", "ambition_edited",
                              "ambition_retired"]


# --- the API -----------------------------------------------------------------------------------

def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"] == code


def test_api_create_list_and_patch_goal(api_as, world):
    """201 with the goal, listed by GET, achieved by PATCH, 409 on a stale version."""
    anna = api_as("anna@test.example")
    created = anna.post("/teams/wonen/goals", {"title": "Binnen 3 dagen antwoord",
                                               "horizon": "short", "parent_id": world.long_goal,
                                               "target_date": "2027-01-31"})
    assert created.status_code == 201, created.get_json()
    goal = created.get_json()["goal"]
    assert (goal["status"], goal["version"], goal["target_date"]) == ("open", 1, "2027-01-31")
    listed = anna.get("/teams/wonen/goals").get_json()
    assert goal["id"] in [g["id"] for g in listed["goals"]]
    assert [a["title"] for a in listed["ambitions"]] == ["Dienstverlening dichtbij"]
    done = anna.patch(f"/goals/{goal['id']}", {"status": "achieved", "version": 1})
    assert done.status_code == 200 and done.get_json()["goal"]["status"] == "achieved"
    _error(anna.patch(f"/goals/{goal['id']}", {"status": "retired", "version": 1}),
           409, "conflict")
    _error(anna.patch(f"/goals/{goal['id']}", {"colour": "x", "version": 2}), 422, "invalid")
    _error(anna.patch(f"/goals/{goal['id']}", {"target_date": "morgen", "version": 2}),
           422, "invalid")
    _error(anna.patch("/goals/999999", {"title": "x", "version": 1}), 404, "not_found")
    board = anna.get("/teams/wonen/board").get_json()
    assert {g["id"]: g["status"] for g in board["goals"]}[goal["id"]] == "achieved"


def test_api_refuses_non_members_and_foreign_parents(api_as, world):
    """403 for a non-member, 422 for a parent that is not a long-term goal of the team's."""
    carla = api_as("carla@test.example")
    body = {"title": "Sneller", "horizon": "short", "parent_id": world.long_goal}
    _error(carla.post("/teams/wonen/goals", body), 403, "forbidden")
    anna = api_as("anna@test.example")
    _error(anna.post("/teams/wonen/goals", {**body, "parent_id": world.short_goal}),
           422, "invalid")
    _error(anna.post("/teams/wonen/goals", {**body, "parent_id": None}), 422, "invalid")
    _error(anna.post("/teams/wonen/goals", {**body, "extra": 1}), 422, "invalid")
    _error(anna.post("/teams/nergens/goals", body), 404, "not_found")
    goal = anna.post("/teams/wonen/goals", body).get_json()["goal"]
    _error(carla.patch(f"/goals/{goal['id']}", {"status": "retired", "version": 1}),
           403, "forbidden")
    _error(carla.get("/teams/nergens/goals"), 404, "not_found")


# --- the pages ---------------------------------------------------------------------------------

def _new_goal_picker(html):
    start = html.index('id="new-goal"')
    return html[start:html.index("</select>", start)]


def test_member_manages_short_term_goals_from_the_board(client, world):
    """The panel adds a goal (htmx gets the panel and the picker); achieved leaves the picker."""
    login(client, "anna@test.example")
    board = client.get("/teams/wonen").get_data(as_text=True)
    assert 'id="new-goal-form"' in board and 'id="goals-panel"' in board
    htmx = {"HX-Request": "true"}
    added = client.post("/teams/wonen/goals", data={"parent_id": world.long_goal,
                                                    "title": "Balie open tot 20 uur",
                                                    "target_date": "2027-02-01"}, headers=htmx)
    assert added.status_code == 201
    panel = added.get_data(as_text=True)
    assert "Balie open tot 20 uur" in panel and 'hx-swap-oob="true"' in panel
    assert "Balie open tot 20 uur" in _new_goal_picker(panel)
    goal_id = int(re.search(r'id="goal-(\d+)"[^<]*<span class="horizon">[^<]*</span> '
                            r'<span class="goal-title">Balie', panel).group(1))
    done = client.post(f"/teams/wonen/goals/{goal_id}", data={"version": 1, "status": "achieved"},
                       headers=htmx)
    assert done.status_code == 200
    panel = done.get_data(as_text=True)
    assert f'id="goal-{goal_id}" class="goal goal-is-achieved"' in panel
    assert "Balie open tot 20 uur" not in _new_goal_picker(panel)
    board = client.get("/teams/wonen").get_data(as_text=True)
    assert "Balie open tot 20 uur" not in _new_goal_picker(board)
    stale = client.post(f"/teams/wonen/goals/{goal_id}", data={"version": 1, "status": "open"},
                        headers=htmx)
    assert stale.status_code == 409 and "vb:error" in stale.headers["HX-Trigger"]
    plain = client.post(f"/teams/wonen/goals/{goal_id}", data={"version": 2, "status": "open"})
    assert plain.status_code == 302 and plain.headers["Location"].endswith(
        "/teams/wonen#goals-panel"
    )


def test_retiring_from_the_board_needs_the_box_ticked(client, db, world):
    """On the board, Retire sits behind a required confirmation box; a post without it is
    refused next to that box (422) and the goal stays open; ticked, the goal is retired."""
    login(client, "anna@test.example")
    htmx = {"HX-Request": "true"}
    panel = client.post("/teams/wonen/goals", data={"parent_id": world.long_goal,
                                                    "title": "Wachttijd halveren"},
                        headers=htmx).get_data(as_text=True)
    goal_id = int(re.search(r'id="goal-(\d+)"[^<]*<span class="horizon">[^<]*</span> '
                            r'<span class="goal-title">Wachttijd', panel).group(1))
    forms = re.findall(rf'<form method="post" action="/teams/wonen/goals/{goal_id}".*?</form>',
                       panel, re.S)
    retire = [form for form in forms if 'name="status" value="retired"' in form]
    assert len(retire) == 1
    assert '<input type="checkbox" name="confirm" value="yes" required>' in retire[0]
    refused = client.post(f"/teams/wonen/goals/{goal_id}",
                          data={"version": 1, "status": "retired"}, headers=htmx)
    assert refused.status_code == 422
    error = json.loads(refused.headers["HX-Trigger"])["vb:error"]
    assert (
        error["field"] == "confirm" and error["message"] == "Vink het vakje aan om te bevestigen."
    )
    with db.reader() as session:
        assert session.get(Goal, goal_id).status == "open"
    done = client.post(f"/teams/wonen/goals/{goal_id}",
                       data={"version": 1, "status": "retired", "confirm": "yes"}, headers=htmx)
    assert done.status_code == 200
    assert f'id="goal-{goal_id}" class="goal goal-is-retired"' in done.get_data(as_text=True)


def test_non_member_reads_the_panel_without_controls(client, world):
    """Carla sees Wonen's goals, no controls, and her posts are refused."""
    login(client, "carla@test.example")
    board = client.get("/teams/wonen").get_data(as_text=True)
    assert "Terugbellen binnen een dag" in board and 'id="new-goal-form"' not in board
    refused = client.post("/teams/wonen/goals", data={"parent_id": world.long_goal, "title": "X"})
    assert refused.status_code == 403
    assert client.post("/teams/wonen/goals", data={"parent_id": "abc", "title": "X"}).status_code \
        == 422


def test_goals_page_for_setters_and_readers(client, world):
    """Admins change ambitions and long-term goals on /goals; members only read there."""
    login(client, "anna@test.example")
    page = client.get("/goals").get_data(as_text=True)
    assert "Klanttevredenheid een 8" in page and "/goals/long" not in page
    client.post(f"/goals/{world.long_goal}", data={"version": 1, "status": "retired",
                                                    "confirm": "yes"})
    client.post("/logout")
    login(client, "admin@test.example")
    page = client.get("/goals").get_data(as_text=True)
    assert "Klanttevredenheid een 8" in page and "/goals/long" in page
    assert 'class="goal goal-is-open"' in page  # Anna's post was refused
    response = client.post("/goals/long", data={"ambition_id": 1, "title": "Digitaal eerst"})
    assert response.status_code == 302
    client.post(f"/goals/{world.long_goal}", data={"version": 1, "status": "retired",
                                                    "confirm": "yes"})
    client.post("/goals/ambitions", data={"title": "Duurzaam", "colour": "#2da44e"})
    client.post("/goals/ambitions/2/move", data={"direction": "up"})
    page = client.get("/goals").get_data(as_text=True)
    assert "Digitaal eerst" in page and page.index("Duurzaam") < page.index("Dienstverlening")
    assert f'id="goal-{world.long_goal}" class="goal goal-is-retired"' in page


def test_retiring_on_the_goals_page_needs_the_box_ticked(client, db, world):
    """Retire sits behind a confirmation box (a required checkbox, no script), for ambitions
    and long-term goals; a post without it changes nothing and says why; achieving needs none."""
    login(client, "admin@test.example")
    page = client.get("/goals").get_data(as_text=True)
    for action, field in ((f"/goals/{world.long_goal}", 'name="status" value="retired"'),
                          ("/goals/ambitions/1", 'name="retired" value="1"')):
        forms = re.findall(rf'<form method="post" action="{action}".*?</form>', page, re.S)
        retire = [form for form in forms if field in form]
        assert len(retire) == 1, action
        assert '<input type="checkbox" name="confirm" value="yes" required>' in retire[0]
        assert not any("confirm" in form for form in forms if field not in form)  # Achieved
    assert "confirm(" not in page and "onclick" not in page
    refused = client.post(f"/goals/{world.long_goal}", data={"version": 1, "status": "retired"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Vink het vakje aan om te bevestigen." in refused
    client.post("/goals/ambitions/1", data={"version": 1, "retired": "1"})
    with db.reader() as session:
        assert session.get(Ambition, 1).retired is False
        assert session.get(Goal, world.long_goal).status == "open"
    client.post(f"/goals/{world.long_goal}", data={"version": 1, "status": "retired",
                                                    "confirm": "yes"})
    client.post("/goals/ambitions/1", data={"version": 1, "retired": "1", "confirm": "yes"})
    with db.reader() as session:
        assert session.get(Ambition, 1).retired is True
    page = client.get("/goals").get_data(as_text=True)
    assert f'id="goal-{world.long_goal}" class="goal goal-is-retired"' in page
    assert 'name="retired" value="0"' in page  # restoring needs no confirmation


def test_goal_forms_refuse_hostile_input_without_a_server_error(client, world):
    """Odd ids, versions, dates, statuses and text: refused (4xx) or bounced back, never 500."""
    login(client, "admin@test.example")
    odd = ["", "abc", "-1", "99999999999999999999", "1.5", "\x00", "2027-13-45", "x" * 400,
           "retired\x00", "achieved"]
    forms = [("/teams/wonen/goals", ("parent_id", "title", "target_date")),
             ("/teams/wonen/goals/1", ("version", "title", "target_date", "status")),
             ("/goals/ambitions/1", ("version", "title", "description", "colour", "retired")),
             ("/goals/ambitions/1/move", ("direction",)),
             ("/goals/long", ("ambition_id", "title", "target_date")),
             ("/goals/2", ("version", "title", "target_date", "status")),
             ("/goals/ambitions", ("title", "description", "colour"))]
    for path, fields in forms:
        for value in odd:
            for field in fields:
                for headers in ({}, {"HX-Request": "true"}):
                    response = client.post(path, data={field: value}, headers=headers)
                    assert response.status_code < 500, (path, field, value)
    for path in ("/teams/wonen/goals/99999999999", "/goals/0", "/goals/ambitions/99999999999"):
        assert client.post(path, data={"version": 1}).status_code == 404


def test_two_simultaneous_edits_of_one_version_one_wins(db, world):
    """Two people achieve and retire the same goal at once: one is saved, the other conflicts."""
    import threading

    with unit_of_work(db) as s:
        goal_id = _short(s, world).goal.id
    barrier, outcomes = threading.Barrier(2), []

    def edit(actor, status):
        barrier.wait()
        try:
            with unit_of_work(db) as s:
                goals.edit_goal(s, actor, goal_id, version=1, fields={"status": status})
            outcomes.append("saved")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(world.anna, "achieved")),
               threading.Thread(target=edit, args=(world.bert, "retired"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(outcomes) == ["conflict", "saved"]
    with db.reader() as s:
        kinds = s.exec(select(Event.kind).where(Event.goal_id == goal_id)).all()
    assert len(kinds) == 2


def test_edit_dialog_offers_open_goals_and_keeps_the_cards_own(client, db, world):
    """A card under an achieved goal keeps it (marked) in its edit dialog; other cards' dialogs
    no longer offer it."""
    with unit_of_work(db) as s:
        goal_id = _short(s, world, title="Oud doel").goal.id
        kept = actions.create_action(s, world.anna, world.wonen, title="Onder oud doel",
                                     goal_id=goal_id).action
        other = actions.create_action(s, world.anna, world.wonen, title="Ander").action
        goals.edit_goal(s, world.anna, goal_id, version=1, fields={"status": "achieved"})
    login(client, "anna@test.example")
    own = client.get(f"/actions/{kept.id}/edit", headers={"HX-Request": "true"})
    html = own.get_data(as_text=True)
    assert re.search(rf'<option value="{goal_id}" selected>Oud doel \(behaald\)</option>', html)
    html = client.get(f"/actions/{other.id}/edit", headers={"HX-Request": "true"}).get_data(
        as_text=True)
    picker = html[html.index('id="edit-goal"'):]
    picker = picker[:picker.index("</select>")]
    assert f'<option value="{goal_id}"' not in picker and "Terugbellen binnen een dag" in picker


def _panel(client, slug="wonen"):
    html = client.get(f"/teams/{slug}").get_data(as_text=True)
    return html.split('id="goals-panel"', 1)[1].split("</details>\n", 1)[0]


def test_goals_panel_says_why_a_goal_has_no_buttons(client, db, world):
    """A reader is told only members change the team's goals; a member is told why the
    organisation-wide goal and another team's goal have no buttons, and sees them on her own."""
    with unit_of_work(db) as s:
        own = _short(s, world, title="Eigen doel").goal
        goals.create_team_goal(s, world.carla, world.zorg, title="Doel van Zorg",
                               horizon="short", parent_id=world.long_goal)
    login(client, "carla@test.example")
    reader = _panel(client)
    assert "Alleen teamleden kunnen doelen van dit team wijzigen." in reader
    assert 'name="status"' not in reader and "(een doel van een ander team)" not in reader
    client.post("/logout")
    login(client, "anna@test.example")
    member = _panel(client)
    assert "Alleen teamleden kunnen" not in member
    assert "Teamleden stellen hier de kortetermijndoelen van het team vast" in member
    organisation_wide = member.split(f'id="goal-{world.short_goal}"', 1)[1].split("</li>", 1)[0]
    assert "(door beheerders vastgesteld voor de hele organisatie)" in organisation_wide
    assert "<button" not in organisation_wide
    mine = member.split(f'id="goal-{own.id}"', 1)[1].split("</li>", 1)[0]
    assert 'value="achieved"' in mine and "door beheerders" not in mine
