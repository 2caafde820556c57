"""computed cycles: actions and team records keep the cycle's number; dead columns go

Cycles follow from the organisation's cadence, so the `cycle` table goes: `action.cycle_id`
becomes `action.cycle_number`, `teamcycle` is keyed by (team_id, cycle_number). Escalations
that the rules now end (cards that are done, or decided when their cycle was closed) are
ended, each logged. `person.locale` and `goal.status` were never read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 02:20:00
"""
from datetime import datetime, timedelta, timezone

from alembic import context, op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

event = sa.table(
    "event", sa.column("at", sa.DateTime(timezone=True)), sa.column("person_id", sa.Integer),
    sa.column("kind", sa.String), sa.column("team_id", sa.Integer),
    sa.column("action_id", sa.Integer), sa.column("before", sa.JSON), sa.column("after", sa.JSON))


def upgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cycle_number', sa.Integer(), nullable=True))
    op.execute("UPDATE action SET cycle_number = "
               "(SELECT cycle.number FROM cycle WHERE cycle.id = action.cycle_id)")
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.alter_column('cycle_number', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index('ix_action_board')
        batch_op.drop_index('ix_action_cycle_id')
        batch_op.drop_column('cycle_id')
        batch_op.create_index('ix_action_board', ['team_id', 'cycle_number', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_cycle_number'), ['cycle_number'], unique=False)

    op.create_table('teamcycle_new',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('cycle_number', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('went_well', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('to_improve', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('do_differently', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.ForeignKeyConstraint(['closed_by'], ['person.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('team_id', 'cycle_number')
    )
    op.execute("INSERT INTO teamcycle_new (team_id, cycle_number, closed_at, closed_by, went_well, "
               "to_improve, do_differently) SELECT t.team_id, c.number, t.closed_at, t.closed_by, "
               "t.went_well, t.to_improve, t.do_differently FROM teamcycle t "
               "JOIN cycle c ON c.id = t.cycle_id")
    op.drop_table('teamcycle')
    op.rename_table('teamcycle_new', 'teamcycle')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE teamcycle RENAME CONSTRAINT teamcycle_new_pkey TO teamcycle_pkey")
    op.drop_table('cycle')

    _end_stale_escalations()
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('locale')
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.drop_column('status')


def _end_stale_escalations():
    """Done cards, and cards decided at a cycle's close, no longer ask for help."""
    if context.is_offline_mode():
        return  # SQL for a new, empty database: there is nothing to end
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT a.id, a.team_id, a.help_reason, a.status FROM action a WHERE a.needs_help "
        "AND (a.status = 'done' OR a.outcome IS NOT NULL OR EXISTS (SELECT 1 FROM teamcycle t "
        "WHERE t.team_id = a.team_id AND t.cycle_number = a.cycle_number "
        "AND t.closed_at IS NOT NULL))")).all()
    if not rows:
        return
    now = datetime.now(timezone.utc)
    op.bulk_insert(event, [
        {"at": now, "person_id": None, "kind": "help_ended", "team_id": team_id,
         "action_id": action_id, "before": {"needs_help": True, "help_reason": reason},
         "after": {"needs_help": False, "why": "done" if status == "done" else "cycle_closed"}}
        for action_id, team_id, reason, status in rows])
    bind.execute(sa.text("UPDATE action SET needs_help = :no, help_reason = '', help_since = NULL "
                         "WHERE id IN (%s)" % ", ".join(str(int(r[0])) for r in rows)),
                 {"no": False})


def downgrade():
    with op.batch_alter_table('goal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20),
                                      nullable=False, server_default='open'))
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=8),
                                      nullable=True))
    cycle = op.create_table('cycle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    if context.is_offline_mode():
        raise RuntimeError("this downgrade rebuilds cycles from the data: run it online")
    bind = op.get_bind()
    org = bind.execute(sa.text("SELECT first_cycle_start, cycle_length_days FROM organisation "
                               "ORDER BY id LIMIT 1")).first()
    numbers = sorted(set(bind.execute(sa.text(
        "SELECT cycle_number FROM action UNION SELECT cycle_number FROM teamcycle")).scalars()))
    if org is not None and numbers:
        first, length = org
        if isinstance(first, str):
            first = datetime.strptime(first, "%Y-%m-%d").date()
        op.bulk_insert(cycle, [
            {"id": n, "number": n, "start": first + timedelta(days=(n - 1) * length),
             "end": first + timedelta(days=n * length - 1), "state": "planned"} for n in numbers])

    op.create_table('teamcycle_old',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('went_well', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('to_improve', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('do_differently', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.ForeignKeyConstraint(['closed_by'], ['person.id'], ),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('team_id', 'cycle_id')
    )
    # Cycle ids were made equal to their numbers above.
    op.execute("INSERT INTO teamcycle_old (team_id, cycle_id, closed_at, closed_by, went_well, "
               "to_improve, do_differently) SELECT team_id, cycle_number, closed_at, closed_by, "
               "went_well, to_improve, do_differently FROM teamcycle")
    op.drop_table('teamcycle')
    op.rename_table('teamcycle_old', 'teamcycle')
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE teamcycle RENAME CONSTRAINT teamcycle_old_pkey TO teamcycle_pkey")
        op.execute("SELECT setval(pg_get_serial_sequence('cycle', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM cycle), 0) + 1, false)")

    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cycle_id', sa.Integer(), nullable=True))
    op.execute("UPDATE action SET cycle_id = cycle_number")
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.alter_column('cycle_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('action_cycle_id_fkey', 'cycle', ['cycle_id'], ['id'])
        batch_op.drop_index(batch_op.f('ix_action_cycle_number'))
        batch_op.drop_index('ix_action_board')
        batch_op.drop_column('cycle_number')
        batch_op.create_index('ix_action_board', ['team_id', 'cycle_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_cycle_id'), ['cycle_id'], unique=False)
