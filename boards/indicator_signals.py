"""New signals of an indicator: found by comparing its XmR analysis before and after a write,
logged as one Event that the outbox turns into a webhook call and e-mails."""

from sqlmodel import select

from .indicator_reads import baseline_starts
from .models import Goal, IndicatorBaseline, IndicatorValue, Membership, Team, TeamAmbition
from .xmr import xmr_analysis

SIGNAL_EVENT = "indicator_signal"  # the Event's kind
SIGNAL_HOOK = "indicator.signal"  # what a webhook subscribes to, and the live event's name


def analysis_of(session, indicator_id):
    """The indicator's values as an XmR analysis ({ordinal: key} alongside), read in the write
    transaction (the indicator is locked)."""
    values = session.exec(select(IndicatorValue).where(IndicatorValue.indicator_id == indicator_id)
                          .order_by(IndicatorValue.ordinal)).all()
    baselines = session.exec(select(IndicatorBaseline)
                             .where(IndicatorBaseline.indicator_id == indicator_id)
                             .order_by(IndicatorBaseline.id)).all()
    return (xmr_analysis([(v.ordinal, v.value) for v in values], baseline_starts(baselines)),
            {v.ordinal: v.period for v in values})


def new_signals(before, after):
    """The signals of `after` that `before` did not have, as {"period", "rule", "side"}."""
    (old, _old_keys), (new, keys) = before, after
    seen = {(s.period, s.rule, s.side) for s in old.signals}
    return [{"period": keys[s.period], "rule": s.rule, "side": s.side}
            for s in new.signals if (s.period, s.rule, s.side) not in seen]


def signal_recipients(session, entry):
    """Who hears of a new signal: the members of the teams whose boards show the goal (a team's
    goal: that team), except whoever entered the value."""
    if entry.team_id is not None:
        teams = [entry.team_id]
    else:
        goal = session.get(Goal, entry.goal_id)
        teams = session.exec(select(TeamAmbition.team_id)
                             .where(TeamAmbition.ambition_id == goal.ambition_id)).all()
    people = session.exec(select(Membership.person_id).join(Team, Team.id == Membership.team_id)
                          .where(Membership.team_id.in_(list(teams)),
                                 Team.retired_at.is_(None))).all()
    return sorted({p for p in people if p != entry.person_id})


def signal_message(entry):
    """The webhook's CloudEvent for a logged signal."""
    return {"specversion": "1.0", "type": "nl.verbeterbord.indicator.signal",
            "id": str(entry.id), "time": entry.at.isoformat(),
            "datacontenttype": "application/json",
            "data": {"indicator_id": entry.after["indicator_id"], "goal_id": entry.goal_id,
                     "name": entry.after["name"], "signals": entry.after["signals"]}}


def add_webhook_calls(session, entry, webhooks, add):
    """Queue the signal's CloudEvent for each webhook subscribed to it (`add`: the outbox's)."""
    message = signal_message(entry)
    for hook in webhooks:
        if "*" in hook.events or SIGNAL_HOOK in hook.events:
            add(session, channel="webhook", kind=SIGNAL_HOOK, key=f"webhook:{hook.id}:{entry.id}",
                webhook_id=hook.id, event_id=entry.id, payload=message)
