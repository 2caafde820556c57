"""The demo organisation is coherent: each card serves a goal of its own team's ambitions, no
board shows a title twice, and the previous cycle has a closed record (done, carried, dropped)."""

from collections import Counter
from datetime import date

from sqlmodel import select

from boards import cycles, queries
from boards.cycles import current_cycle
from boards.models import Action, Goal, Team, TeamAmbition, TeamCycle
from boards.seed import CURRENT_ACTIONS, RECURRING, seed_demo
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
    # One recurring action: begun last cycle, its copy made on this cycle's board at the close.
    recurring = sorted((c for c in cards if c.series_id), key=lambda c: c.cycle_number)
    assert [(c.title, c.cycle_number, c.repeat_every) for c in recurring] == [
        (RECURRING[1], current - 1, 1), (RECURRING[1], current, 1)]
    assert recurring[1].series_id == recurring[0].id and recurring[1].status == "todo"
    assert teams[recurring[1].team_id].slug == RECURRING[0]


def test_demo_in_the_first_cycle_has_no_previous_one(db):
    today = date(date.today().year, 1, 1)
    with unit_of_work(db) as s:
        assert seed_demo(s, PASSWORD, today=today) is not None
    with db.reader() as s:
        cards = s.exec(select(Action)).all()
    assert {c.cycle_number for c in cards} == {1}
    assert [c.title for c in cards if c.repeat_every] == [RECURRING[1]]


def test_demo_has_ideas_in_every_state(db):
    """New, in discussion, parked and declined with their reasons, passed on to the Team van
    teams, and one adopted there whose card is on its board."""
    from boards.models import Idea

    with unit_of_work(db) as s:
        assert seed_demo(s, PASSWORD) is not None
    with db.reader() as s:
        ideas = s.exec(select(Idea)).all()
        teams = {team.id: team for team in s.exec(select(Team))}
        cards = {card.id: card for card in s.exec(select(Action))}
    assert {idea.state for idea in ideas} == {"new", "discussing", "adopted", "parked",
                                              "declined"}
    assert all(idea.reason for idea in ideas if idea.state in ("parked", "declined"))
    passed = [idea for idea in ideas if idea.passed_from_team_id]
    assert {teams[idea.team_id].slug for idea in passed} == {"team-van-teams"}
    adopted = [idea for idea in ideas if idea.state == "adopted"]
    assert len(adopted) == 1 and cards[adopted[0].action_id].title == adopted[0].title
    assert cards[adopted[0].action_id].team_id == adopted[0].team_id


def test_demo_indicators_show_what_happened_after_an_action(db):
    """Each ambition has an indicator with about 30 values; the call-back indicator signals
    after the action done towards its goal last cycle, and that action is on its chart."""
    from boards.goal_reads import done_periods, goal_page
    from boards.indicator_reads import indicator_views_of_goals
    from boards.models import Indicator
    from boards.seed_indicators import MARKED_ACTION
    with unit_of_work(db) as s:
        assert seed_demo(s, PASSWORD) is not None
    with db.reader() as s:
        goals = {goal.id: goal for goal in s.exec(select(Goal))}
        views = [v for rows in indicator_views_of_goals(s, set(goals)).values() for v in rows]
        assert {goals[v.indicator.goal_id].ambition_id for v in views} == {
            g.ambition_id for g in goals.values()}
        assert all(28 <= len(v.values) <= 30 for v in views)
        called = next(v for v in views if v.indicator.name.startswith("Terugbelverzoeken"))
        page = goal_page(s, called.indicator.goal_id)
        marked = [o for o, title in done_periods(s, called, page.done) if title == MARKED_ACTION]
        assert len(marked) == 1
        signalled = [p.period for p in called.analysis().points if 1 in p.rules]
        assert signalled and all(o > marked[0] for o in signalled)
        assert s.exec(select(Indicator)).all()
