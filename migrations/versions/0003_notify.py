"""notify: calendar feed change tracking and calendar item versions

Revision ID: 0003_notify
Revises: 0002_mentors
Create Date: 2026-11-26 15:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_notify'
down_revision = '0002_mentors'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_item_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_calendar_item_states_sequence_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_item_states')),
    sa.UniqueConstraint('uid', name=op.f('uq_calendar_item_states_uid'))
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_polled_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_column('last_polled_at')
        batch_op.drop_column('changed_at')
        batch_op.drop_column('content_hash')

    op.drop_table('calendar_item_states')
