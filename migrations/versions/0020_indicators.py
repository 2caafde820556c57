"""indicators, their values and baselines

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 20:10:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'indicator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column('decimals', sa.Integer(), nullable=False),
        sa.Column('target', sa.Numeric(15, 6), nullable=True),
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['goal_id'], ['goal.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_indicator_goal_id', 'indicator', ['goal_id'])
    op.create_table(
        'indicator_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('value', sa.Numeric(15, 6), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('indicator_id', 'period', name='uq_indicator_period'),
    )
    op.create_index('ix_indicator_value_order', 'indicator_value', ['indicator_id', 'ordinal'])
    op.create_table(
        'indicator_baseline',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('indicator_id', sa.Integer(), nullable=False),
        sa.Column('from_period', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('from_ordinal', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id']),
        sa.ForeignKeyConstraint(['person_id'], ['person.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_indicator_baseline_indicator_id', 'indicator_baseline',
                    ['indicator_id'])


def downgrade():
    op.drop_index('ix_indicator_baseline_indicator_id', table_name='indicator_baseline')
    op.drop_table('indicator_baseline')
    op.drop_index('ix_indicator_value_order', table_name='indicator_value')
    op.drop_table('indicator_value')
    op.drop_index('ix_indicator_goal_id', table_name='indicator')
    op.drop_table('indicator')
