"""plans: remember which version of a launch plan the intern acknowledged

Plans acknowledged before this revision are taken to have been acknowledged as they stand:
the version read then was not recorded.

Revision ID: 0005_plan_ack_version
Revises: 0004_reports
Create Date: 2026-11-26 19:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_plan_ack_version'
down_revision = '0004_reports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('launch_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_version', sa.Integer(), nullable=True))
    op.execute("UPDATE launch_plans SET acknowledged_version = version "
               "WHERE acknowledged_at IS NOT NULL")
    with op.batch_alter_table('launch_plans', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_launch_plans_acknowledged_version_in_range'),
            "(acknowledged_at IS NULL AND acknowledged_version IS NULL) OR "
            "(acknowledged_at IS NOT NULL AND acknowledged_version BETWEEN 1 AND version)",
        )


def downgrade():
    with op.batch_alter_table('launch_plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_launch_plans_acknowledged_version_in_range'),
                                 type_='check')
        batch_op.drop_column('acknowledged_version')
