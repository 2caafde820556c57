"""JSON shapes of the API and the socket events (see DESIGN.md)."""

from datetime import datetime, timezone

from boards.cycles import cycle_state
from boards.models import STATUSES
from boards.outbox import action_data

from .xmr_words import signal_text

# Times a log entry keeps as text: a deleted card's record (boards.actions.RESTORE_FIELDS).
LOGGED_TIMES = ("created_at", "help_since")


def timestamp(moment):
    """An RFC 3339 time in UTC, written with `Z` (NL GOV API Design Rules), e.g.
    2026-12-07T10:00:00Z; SQLite hands back stored UTC times without their offset."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().removesuffix("+00:00") + "Z"


def logged_state(data):
    """An Event's `before` or `after`, its times as `timestamp` writes them (the log holds
    them as Python wrote them then: on SQLite without an offset)."""
    if not isinstance(data, dict):
        return data
    return {key: _logged_time(value) if key in LOGGED_TIMES else value
            for key, value in data.items()}


def _logged_time(value):
    try:
        return timestamp(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return value


def action_json(action, owner, team):
    """An action as the API and socket events show it: as webhooks do (boards/outbox.py)."""
    return action_data(action, owner, team)


def card_json(card):
    """A Card (action with owner, team and goal path) as JSON."""
    data = action_json(card.action, card.owner, card.team)
    data["cycle"] = card.cycle_number
    return data


def goal_json(goal):
    """A goal as JSON."""
    if goal is None:
        return None
    return {"id": goal.id, "title": goal.title, "horizon": goal.horizon,
            "ambition_id": goal.ambition_id, "parent_id": goal.parent_id,
            "target_date": goal.target_date.isoformat() if goal.target_date else None,
            "status": goal.status, "version": goal.version,
            "achieved_on": goal.achieved_on.isoformat() if goal.achieved_on else None}


def ambition_json(ambition):
    """An ambition as JSON."""
    if ambition is None:
        return None
    return {"id": ambition.id, "title": ambition.title, "description": ambition.description,
            "colour": ambition.colour, "retired": ambition.retired}


def cycle_json(cycle):
    """A cycle as JSON."""
    return {"number": cycle.number, "start": cycle.start.isoformat(),
            "end": cycle.end.isoformat(), "state": cycle_state(cycle)}


def board_json(board, column_titles):
    """A whole board as JSON, columns in the order todo, doing, done."""
    return {
        "team": {"slug": board.team.slug, "name": board.team.name, "kind": board.team.kind},
        "cycle": cycle_json(board.cycle),
        "closed": board.closed,
        "ambitions": [ambition_json(a) for a in board.ambitions],
        "goals": [goal_json(g) for g in board.long_goals + board.short_goals],
        "columns": [{"key": key, "title": column_titles[key],
                     "actions": [card_json(c) for c in board.columns[key]]}
                    for key in STATUSES],
    }


def my_action_json(card):
    """An action with its team, goal path and ambition (for /me)."""
    data = card_json(card)
    data["team"] = {"slug": card.team.slug, "name": card.team.name}
    data["goal"] = goal_json(card.goal)
    data["long_goal"] = goal_json(card.long_goal)
    data["ambition"] = ambition_json(card.ambition)
    return data


def _tally(tally):
    return {"done": tally.done, "total": tally.total}


def overview_json(data):
    """The Team van teams overview as JSON."""
    return {
        "cycle": cycle_json(data.cycle),
        "ambitions": [{
            **ambition_json(a.ambition), **_tally(a.tally),
            "goals": [{**goal_json(data.goals[goal_id]), **_tally(t)}
                      for goal_id, t in a.goals.items()],
            "teams": [{"team_id": team_id, **_tally(t)} for team_id, t in a.teams.items()],
            "history": [{"cycle": n, **_tally(t)} for n, t in sorted(a.history.items())],
        } for a in data.ambitions],
        "teams": [{"slug": s.team.slug, "name": s.team.name, "counts": s.counts,
                   "needs_help": s.needs_help, "overdue": s.overdue,
                   "without_goal": s.without_goal} for s in data.teams],
        "escalations": [{
            **card_json(c), "team": {"slug": c.team.slug, "name": c.team.name},
            "since": timestamp(c.action.help_since),
        } for c in data.escalations],
    }


def _outcomes(counts):
    return {"done": counts.done, "carried": counts.carried, "dropped": counts.dropped,
            "split": counts.split, "open": counts.open, "escalated": counts.escalated,
            "total": counts.total, "goals_achieved": counts.goals_achieved}


def review_json(review):
    """A cycle review as JSON."""
    return {
        **cycle_json(review.cycle),
        "teams": [{"slug": t.slug, "name": t.name, **_outcomes(c),
                   "closed": bool(r and r.closed_at),
                   "retrospective": {"went_well": r.went_well, "to_improve": r.to_improve,
                                     "do_differently": r.do_differently} if r else None}
                  for t, c, r in review.teams],
        "ambitions": [{"id": a.id, "title": a.title, **_outcomes(c)} for a, c in review.ambitions],
        "goals": [{**goal_json(row.goal), **_outcomes(row.counts)} for row in review.goals],
        "without_goal": _outcomes(review.without_goal),
        "organisation_wide": _outcomes(review.organisation_wide),
        "achieved_goals": [goal_json(g) for g in review.achieved_goals],
        "total": _outcomes(review.total),
        "trend": [{"cycle": n, **_outcomes(c)} for n, c in review.trend],
        "ideas": [{"slug": t.slug, "name": t.name, "came_in": c.came_in, "adopted": c.adopted,
                   "parked": c.parked, "declined": c.declined} for t, c in review.ideas],
    }


def number_json(number):
    """A stored Decimal as a JSON number (exact: values keep at most 15 significant digits)."""
    return None if number is None else float(number)


def indicator_json(indicator, current=None):
    """An indicator's definition as JSON; `current` is the period running now (a form
    pre-selects it)."""
    data = {"id": indicator.id, "goal_id": indicator.goal_id, "name": indicator.name,
            "unit": indicator.unit, "direction": indicator.direction,
            "decimals": indicator.decimals, "target": number_json(indicator.target),
            "period": indicator.period, "retired": indicator.retired_at is not None,
            "retired_at": timestamp(indicator.retired_at), "version": indicator.version,
            "created_at": timestamp(indicator.created_at)}
    if current is not None:
        data["current_period"] = current.key
    return data


def indicator_view_json(view):
    """An indicator with its values and baselines, as GET /api/v1/indicators/<id> shows it,
    with the limits of each baseline and the signals (XmR)."""
    analysis, keys = view.analysis(), view.keys
    return {**indicator_json(view.indicator, view.current),
            "values": [{"period": v.period, "value": number_json(v.value),
                        "updated_at": timestamp(v.updated_at)} for v in view.values],
            "baseline": view.baseline.from_period if view.baseline else None,
            "baselines": [{"from": b.from_period, "created_at": timestamp(b.created_at)}
                          for b in view.baselines],
            "limits": [{"from": keys[s.start], "centre": number_json(s.limits.centre),
                        "lower": number_json(s.limits.lower),
                        "upper": number_json(s.limits.upper),
                        "range_upper": number_json(s.limits.upper_range)}
                       for s in analysis.segments if s.limits is not None],
            "signals": [{"period": keys[s.period], "rule": s.rule, "text": signal_text(s)}
                        for s in analysis.signals]}


def idea_json(idea, team, author, passed_from=None):
    """An idea as the API and socket events show it."""
    return {"id": idea.id, "team": team.slug, "title": idea.title, "text": idea.text,
            "state": idea.state, "reason": idea.reason,
            "author": {"id": author.id, "name": author.name}, "action_id": idea.action_id,
            "passed_from": passed_from.slug if passed_from is not None else None,
            "version": idea.version, "created_at": timestamp(idea.created_at),
            "updated_at": timestamp(idea.updated_at)}
