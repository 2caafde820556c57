"""The demo organisation is coherent: each card serves a goal of its own team's ambitions, no
board shows a title twice, and the previous cycle has a closed record (done, carried, dropped)."""

from collections import Counter
from datetime import date

from sqlmodel import select

from boards import cycles, queries
from boards.cycles import current_cycle
from boards.models import Action, Goal, Team, TeamAmbition, TeamCycle
from boards.seed import CURRENT_ACTIONS, seed_demo
from boards.unit_of_work import unit_of_work

PASSWORD = "demo-wachtwoord-2026"


def test_demo_cards_serve_their_teams_ambitions_once_per_board(db):
    with unit_of_work(db) as s:
        assert seed_demo(s, PASSWORD) is not None
    with db.reader() as s:
        cards = s.exec(select(Action)).all()
        works_on = {(row.team_id, row.ambition_id) for row in s.exec(select(TeamAmbition))}
        goals = {goal.id: goal for goal in s.exec(select(Goal))}
        current = current_cycle(s).number
        closes = s.exec(select(TeamCycle).where(TeamCycle.closed_at.is_not(None))).all()
        teams = {team.id: team for team in s.exec(select(Team))}
        klantcontact = next(t for t in teams.values() if t.slug == "klantcontact")
        previous_board = queries.board_of(s, klantcontact,
                                          cycles.cycle_by_number(s, current - 1), True)
    with_goal = [card for card in cards if card.goal_id]
    assert len(with_goal) > len(cards) / 2
    assert all((c.team_id, goals[c.goal_id].ambition_id) in works_on for c in with_goal)
    assert all(goals[c.goal_id].horizon == "short" for c in with_goal)
    per_board = Counter((c.team_id, c.cycle_number, c.title) for c in cards)
    assert [key for key, n in per_board.items() if n > 1] == []
    assert {c.cycle_number for c in cards} == {current - 1, current}
    assert sum(c.cycle_number == current for c in cards) >= sum(
        len(v) for v in CURRENT_ACTIONS.values())
    previous = [c for c in cards if c.cycle_number == current - 1]
    outcomes = Counter(c.outcome for c in previous)
    assert outcomes["carried"] > 0 and outcomes["dropped"] > 0
    assert any(c.status == "done" for c in previous)
    assert {teams[r.team_id].slug for r in closes if r.cycle_number == current - 1} == set(
        CURRENT_ACTIONS)
    assert all(r.went_well for r in closes)
    assert previous_board.closed and sum(len(v) for v in previous_board.columns.values()) == 4
    assert any(c.needs_help for c in cards if c.cycle_number == current)


def test_demo_in_the_first_cycle_has_no_previous_one(db):
    today = date(date.today().year, 1, 1)
    with unit_of_work(db) as s:
        assert seed_demo(s, PASSWORD, today=today) is not None
    with db.reader() as s:
        numbers = {c.cycle_number for c in s.exec(select(Action))}
    assert numbers == {1}
