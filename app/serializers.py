"""JSON shapes of the API and the socket events (see DESIGN.md)."""


def action_json(action, owner, team):
    """An action as the API and socket events show it."""
    return {
        "id": action.id, "title": action.title, "notes": action.notes,
        "status": action.status, "position": action.position, "version": action.version,
        "owner": {"id": owner.id, "name": owner.name}, "team": team.slug,
        "goal_id": action.goal_id, "cycle": None, "needs_help": action.needs_help,
        "help_reason": action.help_reason,
        "due_date": action.due_date.isoformat() if action.due_date else None,
    }


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
            "target_date": goal.target_date.isoformat() if goal.target_date else None}


def ambition_json(ambition):
    """An ambition as JSON."""
    if ambition is None:
        return None
    return {"id": ambition.id, "title": ambition.title, "description": ambition.description,
            "colour": ambition.colour}


def cycle_json(cycle):
    """A cycle as JSON."""
    return {"number": cycle.number, "start": cycle.start.isoformat(),
            "end": cycle.end.isoformat(), "state": cycle.state}


COLUMN_KEYS = ("todo", "doing", "done")


def board_json(board, column_titles):
    """A whole board as JSON, columns in the order todo, doing, done."""
    return {
        "team": {"slug": board.team.slug, "name": board.team.name, "kind": board.team.kind},
        "cycle": cycle_json(board.cycle),
        "ambitions": [ambition_json(a) for a in board.ambitions],
        "goals": [goal_json(g) for g in board.long_goals + board.short_goals],
        "columns": [{"key": key, "title": column_titles[key],
                     "actions": [card_json(c) for c in board.columns[key]]}
                    for key in COLUMN_KEYS],
    }
