"""The list of cycles as /cycles shows it: which is today's, which teams work in each, and
how many cards each holds (so empty cycles can stay quiet)."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from .cycles import (
    Cycle,
    closed_cycles,
    cycle_number_on,
    cycle_of,
    organisation,
    today_local,
)
from .models import Action, Team


@dataclass(frozen=True)
class CycleEntry:
    """One cycle in the list: today's or not, the teams working in it, its number of cards."""

    cycle: Cycle
    current: bool
    working_teams: tuple
    cards: int

    @property
    def quiet(self):
        """Nothing to show: no cards, not today's, no team works in it."""
        return not (self.cards or self.current or self.working_teams)


def cycle_entries(session, today=None):
    """Every cycle up to the next one, newest first, in three statements."""
    org = organisation(session)
    current = cycle_number_on(org, today or today_local())
    teams = session.exec(select(Team).where(Team.retired_at.is_(None))
                         .order_by(Team.kind, Team.name)).all()
    closed = closed_cycles(session, {t.id for t in teams}, [current])
    working = {t.name: current + ((t.id, current) in closed) for t in teams}
    counts = dict(session.exec(select(Action.cycle_number, func.count(Action.id))
                               .group_by(Action.cycle_number)).all())
    return [CycleEntry(cycle_of(org, number), number == current,
                       tuple(name for name, n in working.items() if n == number),
                       counts.get(number, 0))
            for number in range(current + 1, 0, -1)]


def grouped_quietly(entries):
    """[(entry, None) or (None, [quiet entries])]: each run of quiet cycles as one group."""
    grouped = []
    for entry in entries:
        if entry.quiet and grouped and grouped[-1][1] is not None:
            grouped[-1][1].append(entry)
        elif entry.quiet:
            grouped.append((None, [entry]))
        else:
            grouped.append((entry, None))
    return grouped
