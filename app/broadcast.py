"""Publish every change to the rooms that show it, rendered from the page's own partial."""

from flask import current_app

from boards.changes import GoalChange, IndicatorChange
from boards.ideas import IdeaChange
from boards.xmr import Signal

from .card_cache import card_text
from .extensions import socketio
from .serializers import (
    action_json,
    ambition_json,
    card_json,
    goal_json,
    idea_json,
    indicator_json,
)
from .xmr_words import signal_text


def rooms_for(change):
    """The board's room, the overview room and the owners' personal rooms."""
    rooms = [f"board:{change.team.slug}", "overview", f"user:{change.owner.id}"]
    if change.previous_owner_id and change.previous_owner_id != change.owner.id:
        rooms.append(f"user:{change.previous_owner_id}")
    return rooms


def publish(change):
    """Send `action.<kind>` with the action, its card HTML (unless only its place changed) and
    the log's sequence number."""
    if change.event is None:
        return None  # nothing changed (a resent operation or an empty edit)
    if isinstance(change, GoalChange):
        return publish_goal(change)
    if isinstance(change, IndicatorChange):
        return publish_indicator(change)
    if isinstance(change, IdeaChange):
        return publish_idea(change)
    if change.kind == "deleted":
        payload = {"action": action_json(change.action, change.owner, change.team),
                   "seq": change.event.id}
    elif change.kind == "moved":
        # Only the card's place changed: what a move changes travels, not the card's HTML.
        action = change.action
        payload = {"action": {"id": action.id, "status": action.status,
                              "position": action.position, "version": action.version},
                   "seq": change.event.id}
    else:
        payload = {"action": card_json(change.card), "html": render_card(change.card),
                   "seq": change.event.id}
    socketio.emit(f"action.{change.kind}", payload, to=rooms_for(change))
    return payload


def render_card(card):
    """The card, exactly as the board page renders it: the page's card macro, called straight.

    The macro reads only its card and its texts (templates/boards/_cards.html), so the
    template's module serves every call: no context, no template render, for every change.
    """
    macro = current_app.jinja_env.get_template("boards/_cards.html").module.card_html
    return str(macro(card, card_text()))


def publish_goal(change):
    """Send `goal.created`, `goal.changed` or `ambition.changed` to the boards that show it and
    the overview; pages re-read their goals from it."""
    payload = {"goal": goal_json(change.goal), "ambition": ambition_json(change.ambition),
               "seq": change.event.id}
    socketio.emit(change.kind, payload,
                  to=[f"board:{slug}" for slug in change.team_slugs] + ["overview"])
    return payload


def publish_indicator(change):
    """Send `indicator.created` or `indicator.changed` (its definition, a value, a baseline) to
    the boards that show its goal; pages re-read the goal's indicators from it."""
    payload = {"indicator": indicator_json(change.indicator), "goal_id": change.goal.id,
               "periods": list(change.periods), "seq": change.event.id}
    socketio.emit(change.kind, payload, to=[f"board:{slug}" for slug in change.team_slugs])
    if change.signal is not None:
        publish_signal(change)
    return payload


def publish_signal(change):
    """Send `indicator.signal` (the new signals, in words) to the goal's boards and the
    overview."""
    payload = {"indicator": indicator_json(change.indicator), "goal_id": change.goal.id,
               "signals": [{"period": s["period"], "rule": s["rule"],
                            "text": signal_text(Signal(s["period"], s["rule"], s["side"]))}
                           for s in change.signal.after["signals"]],
               "seq": change.signal.id}
    socketio.emit("indicator.signal", payload,
                  to=[f"board:{slug}" for slug in change.team_slugs] + ["overview"])
    return payload


def publish_idea(change):
    """Send `idea.created` or `idea.changed` to the boards that show it (both, when it was passed
    on) and its author's room, with each board's count of new ideas."""
    payload = {"idea": idea_json(change.idea, change.team, change.author, change.passed_from),
               "new_ideas": change.new_counts, "seq": change.event.id}
    socketio.emit(change.kind, payload,
                  to=[f"board:{slug}" for slug in change.new_counts] + [f"user:{change.author.id}"])
    return payload
