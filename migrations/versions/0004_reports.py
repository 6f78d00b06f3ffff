"""reports: per-internship report facts and mentors

The tables start empty: the first report that finds internships without facts computes them
(reports/facts.py), as does the scheduler's report-facts job and `flask report-facts refresh`.

Revision ID: 0004_reports
Revises: 0003_notify
Create Date: 2026-11-26 18:01:24.139589

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_reports'
down_revision = '0003_notify'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_facts',
    sa.Column('internship_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('focus_area_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('return_intern', sa.Integer(), nullable=False),
    sa.Column('mentored', sa.Integer(), nullable=False),
    sa.Column('has_project', sa.Integer(), nullable=False),
    sa.Column('top_tier', sa.Integer(), nullable=False),
    sa.Column('production', sa.Integer(), nullable=False),
    sa.Column('both_goals', sa.Integer(), nullable=False),
    sa.Column('plan_day_one', sa.Integer(), nullable=False),
    sa.Column('papers_published', sa.Integer(), nullable=False),
    sa.Column('papers_top_tier', sa.Integer(), nullable=False),
    sa.Column('papers_internal', sa.Integer(), nullable=False),
    sa.Column('papers_in_review', sa.Integer(), nullable=False),
    sa.Column('tutorials', sa.Integer(), nullable=False),
    sa.Column('patents', sa.Integer(), nullable=False),
    sa.Column('open_source', sa.Integer(), nullable=False),
    sa.Column('lunch_dates', sa.Integer(), nullable=False),
    sa.Column('scientists_met', sa.Integer(), nullable=False),
    sa.Column('lunch_next_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('both_goals IN (0, 1)', name=op.f('ck_report_facts_both_goals_flag')),
    sa.CheckConstraint('has_project IN (0, 1)', name=op.f('ck_report_facts_has_project_flag')),
    sa.CheckConstraint('lunch_dates >= 0', name=op.f('ck_report_facts_lunch_dates_non_negative')),
    sa.CheckConstraint('mentored IN (0, 1)', name=op.f('ck_report_facts_mentored_flag')),
    sa.CheckConstraint('open_source >= 0', name=op.f('ck_report_facts_open_source_non_negative')),
    sa.CheckConstraint('papers_in_review >= 0', name=op.f('ck_report_facts_papers_in_review_non_negative')),
    sa.CheckConstraint('papers_internal >= 0', name=op.f('ck_report_facts_papers_internal_non_negative')),
    sa.CheckConstraint('papers_published >= 0', name=op.f('ck_report_facts_papers_published_non_negative')),
    sa.CheckConstraint('papers_top_tier >= 0', name=op.f('ck_report_facts_papers_top_tier_non_negative')),
    sa.CheckConstraint('patents >= 0', name=op.f('ck_report_facts_patents_non_negative')),
    sa.CheckConstraint('plan_day_one IN (0, 1)', name=op.f('ck_report_facts_plan_day_one_flag')),
    sa.CheckConstraint('production IN (0, 1)', name=op.f('ck_report_facts_production_flag')),
    sa.CheckConstraint('return_intern IN (0, 1)', name=op.f('ck_report_facts_return_intern_flag')),
    sa.CheckConstraint('scientists_met >= 0', name=op.f('ck_report_facts_scientists_met_non_negative')),
    sa.CheckConstraint('top_tier IN (0, 1)', name=op.f('ck_report_facts_top_tier_flag')),
    sa.CheckConstraint('tutorials >= 0', name=op.f('ck_report_facts_tutorials_non_negative')),
    sa.ForeignKeyConstraint(['internship_id'], ['internships.id'], name=op.f('fk_report_facts_internship_id_internships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('internship_id', name=op.f('pk_report_facts'))
    )
    with op.batch_alter_table('report_facts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_facts_lunch_next_end'), ['lunch_next_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_facts_team_id'), ['team_id'], unique=False)

    op.create_table('report_mentors',
    sa.Column('internship_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('focus_area_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['internship_id'], ['internships.id'], name=op.f('fk_report_mentors_internship_id_internships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('internship_id', 'mentor_id', name=op.f('pk_report_mentors'))
    )
    with op.batch_alter_table('report_mentors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_mentors_team_id'), ['team_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_mentors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_mentors_team_id'))

    op.drop_table('report_mentors')
    with op.batch_alter_table('report_facts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_facts_team_id'))
        batch_op.drop_index(batch_op.f('ix_report_facts_lunch_next_end'))

    op.drop_table('report_facts')
