"""imports: queued import jobs are claimed by a worker, like outbox messages

Large imports used to run on a thread inside the web process that received them, so a
restart of that process lost them. They now wait in import_jobs until the scheduler (or any
worker) claims one; a claim that stops being renewed is taken over.

Revision ID: 0006_import_claims
Revises: 0005_plan_ack_version
Create Date: 2026-12-03 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_import_claims'
down_revision = '0005_plan_ack_version'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by')
