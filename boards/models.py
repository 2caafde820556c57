"""Table models, all in one module so Alembic sees the whole schema."""

from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Fractional-index keys compare as plain bytes; PostgreSQL's default collation may not.
POSITION_TYPE = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")

STATUSES = ("todo", "doing", "done")
HORIZONS = ("long", "short")
GOAL_STATUSES = ("open", "achieved", "retired")
TEAM_KINDS = ("team", "team_of_teams")
# An idea's states; passing an idea on is not a state: it becomes "new" in the other team.
IDEA_STATES = ("new", "discussing", "adopted", "parked", "declined")


def utcnow():
    """Timezone-aware now, stored as UTC."""
    return datetime.now(timezone.utc)


class Organisation(SQLModel, table=True):
    """The work organisation; one per installation."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    cycle_length_days: int = 14
    # Cycle 1 starts on this date; the cycle start weekday follows from it.
    first_cycle_start: date
    # The organisation's own look: its main colour ("#rrggbb", None: the app's own), its
    # logo's image type (None: no logo) and the number of its latest upload (the cache key).
    brand_colour: Optional[str] = Field(default=None, max_length=7)
    logo_type: Optional[str] = Field(default=None, max_length=20)
    logo_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class OrganisationLogo(SQLModel, table=True):
    """The organisation's logo image (PNG, JPEG or WebP), apart from the organisation's row so
    that reading the organisation never loads the image."""

    __tablename__ = "organisation_logo"

    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    content_type: str = Field(max_length=20)
    data: bytes = Field(sa_type=sa.LargeBinary)


class Municipality(SQLModel, table=True):
    """A municipality served by the organisation."""

    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)


class Person(SQLModel, table=True):
    """An employee who can log in."""

    # One person per account at an OpenID provider: issuer + subject, never the e-mail.
    __table_args__ = (sa.UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_person_oidc"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, sa_column_kwargs={"unique": True})
    password_hash: Optional[str] = Field(default=None, max_length=200)
    home_office: Optional[str] = Field(default=None, max_length=200)
    is_admin: bool = False
    active: bool = True
    # Bumped when the account is disabled: every session and socket of it ends.
    session_epoch: int = 0
    # An admin who may still log in with a password when LOCAL_LOGIN=0 (provider outage).
    break_glass: bool = False
    oidc_issuer: Optional[str] = Field(default=None, max_length=500)
    oidc_subject: Optional[str] = Field(default=None, max_length=255)
    # SCIM provisioning: the directory's userName (e-mail when unset) and its own id.
    user_name: Optional[str] = Field(default=None, max_length=320,
                                     sa_column_kwargs={"unique": True})
    external_id: Optional[str] = Field(default=None, max_length=200)
    # Set when the directory deleted the account: SCIM no longer shows it (it stays disabled).
    deprovisioned_at: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # Set when an admin anonymised a leaver: name and e-mail are "Oud-medewerker <n>".
    anonymised_at: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The language mail is written in ("nl" or "en"); set when the person switches language.
    language: Optional[str] = Field(default=None, max_length=5)


class Team(SQLModel, table=True):
    """A team with one board, or the Team van teams."""

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    slug: str = Field(max_length=80, sa_column_kwargs={"unique": True})
    kind: str = Field(default="team", max_length=20)
    delegate_id: Optional[int] = Field(default=None, foreign_key="person.id")
    # SCIM: the directory group's own id.
    external_id: Optional[str] = Field(default=None, max_length=200)
    # A retired team keeps its board and history but leaves every list and the overview.
    retired_at: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # The stand-up: a time of day in Dutch local time (Europe/Amsterdam) and its weekdays
    # ("mon,wed,fri"). Both or neither are set (boards.standup): no time, no stand-ups.
    standup_time: Optional[time] = None
    standup_days: Optional[str] = Field(default=None, max_length=27)


class Membership(SQLModel, table=True):
    """A person in a team."""

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


class Ambition(SQLModel, table=True):
    """An organisation-wide aim."""

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    colour: str = Field(default="#1f6feb", max_length=7)
    order: int = 0
    # A retired ambition keeps its goals and history but takes no new ones.
    retired: bool = False
    version: int = 1


class TeamAmbition(SQLModel, table=True):
    """An ambition a team works on."""

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    ambition_id: int = Field(foreign_key="ambition.id", primary_key=True)


class Goal(SQLModel, table=True):
    """A long- or short-term step towards an ambition."""

    id: Optional[int] = Field(default=None, primary_key=True)
    ambition_id: int = Field(foreign_key="ambition.id", index=True)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id", index=True)
    parent_id: Optional[int] = Field(default=None, foreign_key="goal.id")
    horizon: str = Field(max_length=10)
    title: str = Field(max_length=300)
    target_date: Optional[date] = None
    # open, achieved or retired: only open goals take new actions.
    status: str = Field(default="open", max_length=10)
    # The (Dutch) day it was marked achieved: the review counts it in that day's cycle.
    achieved_on: Optional[date] = None
    version: int = 1


class Action(SQLModel, table=True):
    """A card: what one person will do within a cycle."""

    # AUTOINCREMENT: SQLite would otherwise give a deleted card's id to the next new card,
    # which would take over its history in the log (and block its undo).
    # A board's columns in order: a move finds its neighbours' keys in this index.
    __table_args__ = (sa.Index("ix_action_board", "team_id", "cycle_number", "status", "position"),
                      {"sqlite_autoincrement": True})

    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    notes: str = Field(default="", max_length=4000)
    owner_id: int = Field(foreign_key="person.id", index=True)
    team_id: int = Field(foreign_key="team.id")
    goal_id: Optional[int] = Field(default=None, foreign_key="goal.id")
    # Cycles are computed from the organisation's cadence (boards.cycles): no table.
    cycle_number: int = Field(index=True)
    status: str = Field(default="todo", max_length=10)
    position: str = Field(sa_type=POSITION_TYPE)
    needs_help: bool = False
    help_reason: str = Field(default="", max_length=1000)
    help_since: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
    due_date: Optional[date] = None
    # Set when the team closes the cycle: "carried", "dropped" or "split".
    outcome: Optional[str] = Field(default=None, max_length=10)
    outcome_reason: str = Field(default="", max_length=1000)
    carried_from_id: Optional[int] = Field(default=None, foreign_key="action.id")
    carry_count: int = 0
    # Standard work (boards.recurring): repeat every n cycles (0: not), and the series the card
    # belongs to, named by its first card's id (no foreign key: the series outlives that card).
    repeat_every: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    series_id: Optional[int] = Field(default=None, index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class SeriesCopy(SQLModel, table=True):
    """A series' card for one cycle, made (or skipped) once: its key keeps a second run, or a
    second process at the same moment, from making it again, also after the card is deleted."""

    __tablename__ = "series_copy"

    series_id: int = Field(primary_key=True)
    cycle_number: int = Field(primary_key=True)
    # The card made (no foreign key: a deleted card keeps its mark); None: skipped.
    action_id: Optional[int] = None
    made_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))

class Idea(SQLModel, table=True):
    """An improvement idea posted to a team, and what the team made of it (boards.ideas)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    author_id: int = Field(foreign_key="person.id", index=True)
    title: str = Field(max_length=200)
    text: str = Field(default="", max_length=4000)
    state: str = Field(default="new", max_length=12)
    # Why it was declined (required then) or parked; the author sees it.
    reason: str = Field(default="", max_length=1000)
    # The action it became. The link back from the card is this column (no column on Action):
    # one place to keep true. No foreign key, as in the log: a deleted card can be brought
    # back with its own id (boards.actions.restore_action), and the link with it.
    action_id: Optional[int] = Field(default=None, index=True)
    # The team that passed it on to this one, if any.
    passed_from_team_id: Optional[int] = Field(default=None, foreign_key="team.id")
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class Event(SQLModel, table=True):
    """The activity log: one row per change, never edited or deleted."""

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    person_id: Optional[int] = Field(default=None, foreign_key="person.id")
    kind: str = Field(max_length=40)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id", index=True)
    # No foreign key: the log outlives a deleted action.
    action_id: Optional[int] = Field(default=None, index=True)
    goal_id: Optional[int] = Field(default=None, foreign_key="goal.id")
    before: Optional[dict] = Field(default=None, sa_type=sa.JSON)
    after: Optional[dict] = Field(default=None, sa_type=sa.JSON)
    # A client's operation id: a resent operation is recognised and applied once.
    op_id: Optional[str] = Field(default=None, max_length=64, sa_column_kwargs={"unique": True})


# Indicator values are decimals as people enter them ("7,9"): NUMERIC keeps them exact on
# PostgreSQL. SQLite stores NUMERIC as a double, exact for 15 significant digits, and the
# driver gives back Decimal rounded to the scale: so at most 9 digits before the point and 6
# after (boards.indicators refuses more), and "7,9" reads back as 7.9, not 7.9000000000000004.
VALUE_TYPE = sa.Numeric(15, 6)
DIRECTIONS = ("up", "down")


class Indicator(SQLModel, table=True):
    """A number that tells whether a goal is being reached, measured once per period."""

    id: Optional[int] = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    name: str = Field(max_length=200)
    unit: str = Field(default="", max_length=40)
    # "up": higher is better; "down": lower is better.
    direction: str = Field(max_length=4)
    decimals: int = 1  # shown with this many decimals; values are kept as entered
    target: Optional[Decimal] = Field(default=None, sa_type=VALUE_TYPE)
    period: str = Field(max_length=10)  # "week", "cycle" or "month" (boards.periods)
    # A retired indicator keeps its values and history but takes no new values.
    retired_at: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class IndicatorValue(SQLModel, table=True):
    """One period's measurement of an indicator; a correction overwrites it (the log keeps the
    old value)."""

    __tablename__ = "indicator_value"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "period", name="uq_indicator_period"),
                      sa.Index("ix_indicator_value_order", "indicator_id", "ordinal"))

    id: Optional[int] = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    period: str = Field(max_length=10)  # canonical key: "2026-W07", "2026-02", "25"
    ordinal: int  # sorts periods in time; the next period is one more (boards.periods)
    value: Decimal = Field(sa_type=VALUE_TYPE)
    person_id: Optional[int] = Field(default=None, foreign_key="person.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class IndicatorBaseline(SQLModel, table=True):
    """Where an indicator's limits are computed from: the latest one counts, the earlier ones
    stay as its history."""

    __tablename__ = "indicator_baseline"

    id: Optional[int] = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    from_period: str = Field(max_length=10)
    from_ordinal: int
    person_id: Optional[int] = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class ApiToken(SQLModel, table=True):
    """A bearer token; only its hash is stored. It ends at `expires_at` or when revoked."""

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    name: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    # Kept to the hour (boards.people.LAST_USED_PRECISION): a read writes at most hourly.
    last_used_at: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
    revoked: bool = False


class DisplayLink(SQLModel, table=True):
    """A revocable read-only link for a wall screen: one board, or the overview."""

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    label: str = Field(max_length=200)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")  # None: the overview
    created_by: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    revoked: bool = False


class TeamCycle(SQLModel, table=True):
    """A team's record of one cycle: when it was closed, and its retrospective."""

    team_id: int = Field(foreign_key="team.id", primary_key=True)
    cycle_number: int = Field(primary_key=True)
    closed_at: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
    closed_by: Optional[int] = Field(default=None, foreign_key="person.id")
    went_well: str = Field(default="", max_length=4000)
    to_improve: str = Field(default="", max_length=4000)
    do_differently: str = Field(default="", max_length=4000)


class LoginSession(SQLModel, table=True):
    """A browser login; logging out ends it, so a copied cookie no longer works.

    It also ends on its own: after an idle time (the cookie carries when it was last used) and
    `SESSION_MAX_DAYS` after `created_at` (app.auth).
    """

    key_hash: str = Field(max_length=64, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    ended_at: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))


class SecurityEvent(SQLModel, table=True):
    """One line of the security log: a login, a refusal, an export, an admin change.

    Not part of the activity log: it records who tried what, from where, and whether it
    worked, also for people who are not (or no longer) known. Rows are pruned after a
    configurable number of days.
    """

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), index=True)
    kind: str = Field(max_length=40, index=True)
    outcome: str = Field(max_length=20)
    # Who: the known person, else the e-mail address that was tried (failed logins).
    person_id: Optional[int] = Field(default=None, index=True)
    email: str = Field(default="", max_length=320)
    method: str = Field(default="", max_length=20)
    address: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=500)
class PasswordLink(SQLModel, table=True):
    """A one-time link to set a password (invite or reset); only its hash is stored."""

    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    person_id: int = Field(foreign_key="person.id", index=True)
    purpose: str = Field(max_length=10)  # "invite" or "reset"
    created_by: Optional[int] = Field(default=None, foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
class CalendarFeed(SQLModel, table=True):
    """A person's secret calendar link; only its hash is stored, a new one revokes the old."""

    id: Optional[int] = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    revoked: bool = False


class NotificationChoice(SQLModel, table=True):
    """A person's choice for one kind of e-mail (no row: the kind's default)."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    kind: str = Field(max_length=30, primary_key=True)
    enabled: bool = True


class Webhook(SQLModel, table=True):
    """A receiver (entered by an admin) of every change of the chosen kinds."""

    id: Optional[int] = Field(default=None, primary_key=True)
    url: str = Field(max_length=2000)
    secret: str = Field(max_length=200)
    events: list = Field(default_factory=list, sa_type=sa.JSON)
    created_by: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    active: bool = True


class Outbox(SQLModel, table=True):
    """A message to send (an e-mail or a webhook call), written with the change that caused it."""

    __table_args__ = (sa.Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    channel: str = Field(max_length=10)  # "mail" or "webhook"
    kind: str = Field(max_length=40)
    # Makes time-based messages idempotent: one per person, action (or cycle) and kind.
    key: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    person_id: Optional[int] = Field(default=None, foreign_key="person.id", index=True)
    webhook_id: Optional[int] = Field(default=None, foreign_key="webhook.id", index=True)
    event_id: Optional[int] = Field(default=None)
    payload: dict = Field(default_factory=dict, sa_type=sa.JSON)
    state: str = Field(default="pending", max_length=10)  # pending, sent, failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    # A sender's lease: another sender takes the row over only once it has run out.
    claimed_until: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
    last_error: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))
    sent_at: Optional[datetime] = Field(default=None, sa_type=sa.DateTime(timezone=True))
