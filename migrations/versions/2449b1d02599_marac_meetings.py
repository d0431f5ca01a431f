"""MARAC meetings, agendas, hearings, actions and the coordinator flag

Revision ID: 2449b1d02599
Revises: 3645385ab9c2
Create Date: 2026-12-06 14:41:44.796733

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2449b1d02599'
down_revision = '3645385ab9c2'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('marac_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('bcu', sa.Integer(), nullable=True),
    sa.Column('borough_codes', sa.JSON(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('chair', sa.String(length=120), nullable=False),
    sa.Column('agencies_invited', sa.JSON(), nullable=False),
    sa.Column('minutes_per_case', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_marac_meetings_created_by_id_users')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_marac_meetings_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marac_meetings'))
    )
    with op.batch_alter_table('marac_meetings', schema=None) as batch_op:
        batch_op.create_index('ix_marac_meetings_service_held', ['service_id', 'held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_marac_meetings_service_id'), ['service_id'], unique=False)

    op.create_table('marac_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_marac_shares_created_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['marac_meetings.id'], name=op.f('fk_marac_shares_meeting_id_marac_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marac_shares'))
    )
    with op.batch_alter_table('marac_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_shares_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('marac_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('repeat', sa.Boolean(), nullable=False),
    sa.Column('risk_level', sa.String(length=10), nullable=True),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('planned_minutes', sa.Integer(), nullable=False),
    sa.Column('added_reason', sa.Text(), nullable=True),
    sa.Column('deferred_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deferred_reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_marac_agenda_items_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_marac_agenda_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['marac_meetings.id'], name=op.f('fk_marac_agenda_items_meeting_id_marac_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marac_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'case_id', name=op.f('uq_marac_agenda_items_meeting_id'))
    )
    with op.batch_alter_table('marac_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_agenda_items_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marac_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('marac_hearings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('heard_on', sa.Date(), nullable=False),
    sa.Column('agencies_present', sa.JSON(), nullable=False),
    sa.Column('risks_discussed', sa.Text(), nullable=False),
    sa.Column('victim_views', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['marac_agenda_items.id'], name=op.f('fk_marac_hearings_agenda_item_id_marac_agenda_items')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_marac_hearings_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_marac_hearings_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marac_hearings')),
    sa.UniqueConstraint('agenda_item_id', name=op.f('uq_marac_hearings_agenda_item_id'))
    )
    with op.batch_alter_table('marac_hearings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_hearings_case_id'), ['case_id'], unique=False)

    op.create_table('marac_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency', sa.String(length=32), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_marac_actions_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_marac_actions_created_by_id_users')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_marac_actions_done_by_id_users')),
    sa.ForeignKeyConstraint(['hearing_id'], ['marac_hearings.id'], name=op.f('fk_marac_actions_hearing_id_marac_hearings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marac_actions'))
    )
    with op.batch_alter_table('marac_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_actions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marac_actions_hearing_id'), ['hearing_id'], unique=False)
        batch_op.create_index('ix_marac_actions_open_due', ['done_on', 'due_on'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_marac_coordinator', sa.Boolean(), server_default=sa.false(), nullable=False))




def downgrade():
    
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_marac_coordinator')

    with op.batch_alter_table('marac_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_marac_actions_open_due')
        batch_op.drop_index(batch_op.f('ix_marac_actions_hearing_id'))
        batch_op.drop_index(batch_op.f('ix_marac_actions_case_id'))

    op.drop_table('marac_actions')
    with op.batch_alter_table('marac_hearings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_hearings_case_id'))

    op.drop_table('marac_hearings')
    with op.batch_alter_table('marac_agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_agenda_items_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_marac_agenda_items_case_id'))

    op.drop_table('marac_agenda_items')
    with op.batch_alter_table('marac_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_shares_meeting_id'))

    op.drop_table('marac_shares')
    with op.batch_alter_table('marac_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_meetings_service_id'))
        batch_op.drop_index('ix_marac_meetings_service_held')

    op.drop_table('marac_meetings')

