"""Cycles: date rules, closing with carry-over, the review, and the cycle API."""

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from boards import actions, closing, cycles, review
from boards.errors import Conflict, Forbidden, Invalid
from boards.models import Action, Event, Organisation
from boards.unit_of_work import unit_of_work

from .factories import PASSWORD


def add(db, actor, title, **fields):
    with unit_of_work(db) as s:
        return actions.create_action(s, actor, "wonen", title=title, **fields).action


def close(db, world, decisions, actor=None, retro=None):
    with unit_of_work(db) as s:
        return closing.close_team_cycle(
            s, actor or world.anna, "wonen", world.cycle, decisions, retro
        )


def board_of_cycle(db, number):
    with db.reader() as s:
        return s.exec(
            select(Action).where(Action.team_id == 1, Action.cycle_number == number)
        ).all()


@pytest.mark.parametrize("instant, expected_start", [
    # 31 Dec 2026 23:30 UTC is already 1 January 2027 in Amsterdam (winter time, UTC+1).
    (datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc), date(2026, 12, 21)),
    (datetime(2027, 1, 3, 22, 59, tzinfo=timezone.utc), date(2026, 12, 21)),
    (datetime(2027, 1, 3, 23, 0, tzinfo=timezone.utc), date(2027, 1, 4)),
    # Clocks go forward on 29 March 2026 (UTC+2 from then) and back on 25 October 2026.
    (datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc), date(2026, 3, 16)),
    (datetime(2026, 3, 29, 21, 59, tzinfo=timezone.utc), date(2026, 3, 16)),
    (datetime(2026, 3, 29, 22, 0, tzinfo=timezone.utc), date(2026, 3, 30)),
    (datetime(2026, 10, 25, 22, 59, tzinfo=timezone.utc), date(2026, 10, 12)),
    (datetime(2026, 10, 25, 23, 0, tzinfo=timezone.utc), date(2026, 10, 26)),
])
def test_cycle_boundaries_in_amsterdam(instant, expected_start):
    """The cycle of a moment follows the Dutch calendar date, across year end and DST."""
    org = Organisation(name="Test", first_cycle_start=date(2026, 1, 5), cycle_length_days=14)
    day = cycles.today_local(instant)
    cycle = cycles.cycle_of(org, cycles.cycle_number_on(org, day))
    start, end = cycle.start, cycle.end
    assert start == expected_start and end == start + timedelta(days=13)
    assert start <= day <= end and start.weekday() == 0


def test_cycle_numbers_continue_across_the_year():
    """Cycle 26 of 2026 runs into 2027, and cycle 27 follows it."""
    org = Organisation(name="Test", first_cycle_start=date(2026, 1, 5), cycle_length_days=14)
    assert cycles.cycle_of(org, 26) == cycles.Cycle(26, date(2026, 12, 21), date(2027, 1, 3))
    assert cycles.cycle_number_on(org, date(2027, 1, 4)) == 27


def test_close_carries_drops_and_splits_each_exactly_once(db, world):
    """Every unfinished action ends up once; counts match before and after."""
    done = add(db, world.anna, "Klaar", status="done")
    carry = add(db, world.anna, "Doorschuiven", status="doing", goal_id=world.short_goal)
    drop = add(db, world.bert, "Laten vallen")
    split = add(db, world.bert, "Opsplitsen")
    result = close(db, world, [
        {"action_id": carry.id, "decision": "carry"},
        {"action_id": drop.id, "decision": "drop", "reason": "Niet meer nodig"},
        {"action_id": split.id, "decision": "split", "reason": "Tweede helft opsplitsen"}],
        retro={"went_well": "Samenwerking met Zorg", "to_improve": "Planning"})
    assert result.counts == {"done": 1, "carried": 1, "dropped": 1, "split": 1}
    old = {a.id: a for a in board_of_cycle(db, world.cycle)}
    assert [old[i].outcome for i in (done.id, carry.id, drop.id, split.id)] == [
        None, "carried", "dropped", "split"]
    new = board_of_cycle(db, world.cycle + 1)
    assert sorted((a.title, a.carried_from_id, a.carry_count, a.status) for a in new) == [
        ("Doorschuiven", carry.id, 1, "doing"), ("Tweede helft opsplitsen", split.id, 1, "todo")]
    with db.reader() as s:
        kinds = [e.kind for e in s.exec(select(Event).where(Event.action_id == drop.id)).all()]
        data = review.cycle_review(s, world.cycle)
    assert kinds == ["created", "dropped"]
    (wonen,) = [(c, r) for t, c, r in data.teams if t.slug == "wonen"]
    counts, record = wonen
    outcomes = (counts.done, counts.carried, counts.dropped, counts.split, counts.total)
    assert outcomes == (1, 1, 1, 1, 4)
    assert record.went_well == "Samenwerking met Zorg" and record.closed_at is not None


def test_close_refuses_missing_decisions_and_does_nothing(db, world):
    """An unfinished action without a decision: 422-style Invalid, nothing half-done."""
    a, b = add(db, world.anna, "Een"), add(db, world.anna, "Twee")
    with pytest.raises(Invalid):
        close(db, world, [{"action_id": a.id, "decision": "carry"}])
    with pytest.raises(Invalid):
        close(db, world, [{"action_id": a.id, "decision": "carry"},
                          {"action_id": b.id, "decision": "drop"}])  # drop needs a reason
    assert [x.outcome for x in board_of_cycle(db, world.cycle)] == [None, None]
    with db.reader() as s:
        assert not cycles.team_cycle_closed(s, world.wonen_id, 1)
    assert board_of_cycle(db, world.cycle + 1) == []


def test_repeated_close_changes_nothing_and_closed_cycle_is_frozen(db, world):
    """A retried close is accepted without changes; the closed cycle cannot be edited."""
    a = add(db, world.anna, "Een")
    decisions = [{"action_id": a.id, "decision": "carry"}]
    close(db, world, decisions)
    again = close(db, world, decisions)
    assert again.already_closed and again.changes == []
    assert len(board_of_cycle(db, world.cycle + 1)) == 1
    with pytest.raises(Conflict):
        close(db, world, [{"action_id": a.id, "decision": "drop", "reason": "Toch niet"}])
    frozen = board_of_cycle(db, world.cycle)[0]
    with pytest.raises(Conflict), unit_of_work(db) as s:
        actions.move_action(s, world.anna, frozen.id, status="done", version=frozen.version)
    with pytest.raises(Conflict), unit_of_work(db) as s:
        actions.create_action(s, world.anna, "wonen", title="Te laat", cycle_number=world.cycle)
    with pytest.raises(Conflict), unit_of_work(db) as s:
        closing.save_retrospective(s, world.anna, "wonen", world.cycle, {"went_well": "x"})


def test_only_members_close(db, world):
    """Carla (another team) may not close team wonen's cycle."""
    add(db, world.anna, "Een")
    with pytest.raises(Forbidden):
        close(db, world, [], actor=world.carla)


def test_repeatedly_carried_actions_are_flagged(db, world):
    """A card carried over twice shows in the review's 'carried over repeatedly' list."""
    first = add(db, world.anna, "Blijft liggen")
    close(db, world, [{"action_id": first.id, "decision": "carry"}])
    (second,) = board_of_cycle(db, world.cycle + 1)
    # Pretend the next cycle has started (the cadence began a cycle earlier), so it can close too.
    with unit_of_work(db) as s:
        org = s.exec(select(Organisation)).one()
        org.first_cycle_start -= timedelta(days=org.cycle_length_days)
        s.commit()
    with unit_of_work(db) as s:
        closing.close_team_cycle(s, world.anna, "wonen", world.cycle + 1,
                                 [{"action_id": second.id, "decision": "carry"}])
    with db.reader() as s:
        data = review.cycle_review(s, world.cycle + 2)
    assert [(a.title, a.carry_count) for a, _p, _t in data.repeated] == [("Blijft liggen", 2)]


def test_cycle_api(client, db, world):
    """List, review and close through the API; an unfinished action without decision → 422."""
    a = add(db, world.anna, "Via de API")
    token = client.post("/api/v1/tokens", json={"email": "anna@test.example",
                                                "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    numbers = [
        c["number"] for c in client.get("/api/v1/cycles", headers=headers).get_json()["cycles"]
    ]
    assert world.cycle in numbers
    path = f"/api/v1/teams/wonen/cycles/{world.cycle}/close"
    refused = client.post(path, json={"decisions": []}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["error"] == "invalid"
    no_reason = client.post(path, json={"decisions": [{"action_id": a.id, "decision": "drop"}]},
                            headers=headers)
    assert no_reason.status_code == 422  # which card lacks its reason, for a list of many
    assert (no_reason.get_json()["field"], no_reason.get_json()["item"]) == ("reason", a.id)
    body = {"decisions": [{"action_id": a.id, "decision": "split", "reason": "Deel twee"}]}
    closed = client.post(path, json=body, headers=headers)
    assert closed.status_code == 200 and closed.get_json()["counts"]["split"] == 1
    assert client.post(path, json=body, headers=headers).get_json()["already_closed"] is True
    data = client.get(f"/api/v1/cycles/{world.cycle}", headers=headers).get_json()
    wonen = next(t for t in data["teams"] if t["slug"] == "wonen")
    assert (wonen["split"], wonen["closed"]) == (1, True)
    assert client.get("/api/v1/cycles/9999", headers=headers).status_code == 404


def test_cadence_changes_only_before_the_first_action(db, world):
    """The admin sets length and start day; once actions exist the cadence is fixed."""
    from boards import catalog
    with unit_of_work(db) as s:
        org = catalog.update_cadence(s, world.admin, cycle_length_days=7,
                                     first_cycle_start=date(2026, 1, 7))
        assert (org.cycle_length_days, org.first_cycle_start.weekday()) == (7, 2)
    add(db, world.anna, "Eerste actie")
    with pytest.raises(Conflict), unit_of_work(db) as s:
        catalog.update_cadence(s, world.admin, cycle_length_days=14,
                               first_cycle_start=date(2026, 1, 5))
    with pytest.raises(Forbidden), unit_of_work(db) as s:
        catalog.update_cadence(s, world.anna, cycle_length_days=14,
                               first_cycle_start=date(2026, 1, 5))


def test_cycles_page_marks_today_and_working_cycles_and_folds_empty_ones(client, db, world):
    """/cycles: today's cycle is marked (in words and aria-current), each team's working
    cycle is named, and a cycle without cards or teams folds into a quiet group."""
    card = add(db, world.anna, "Bellen")
    close(db, world, [{"action_id": card.id, "decision": "carry"}])
    with unit_of_work(db) as s:
        actions.create_action(s, world.carla, world.zorg, title="Zorgplan")
    client.post("/login", data={"email": "anna@test.example", "password": PASSWORD})
    html = client.get("/cycles").get_data(as_text=True)
    entries = {int(m.group(1)): m.group(0) for m in re.finditer(
        r'<li class="cycle-entry[^"]*">\s*<a href="/cycles/(\d+)".*?</li>', html, re.S)}
    now, following = entries[world.cycle], entries[world.cycle + 1]
    assert 'aria-current="date"' in now and "Huidige cyclus" in now
    assert "Werkcyclus van: Zorg" in now and "Acties: 2" in now
    assert "Werkcyclus van: Wonen" in following and "Acties: 1" in following
    assert "Huidige cyclus" not in following
    quiet = html.split('class="cycle-entry quiet"', 1)[1]
    assert f"Cyclus {world.cycle - 1}: geen acties" in quiet and "<details>" in quiet
    assert world.cycle - 1 not in entries
