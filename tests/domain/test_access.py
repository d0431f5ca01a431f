"""Who may do what: domain/access.py answers every permission question, so its table is here."""
import pytest

from victimcare.domain.access import (
    Principal, belongs_to_a_service, home_page, is_service_lead, is_service_lead_for, may_approve_closure,
    may_change_routing, may_hold_cases_of,
)

ADVOCATE = Principal(role="advocate", service_id=2, user_id=10)
LEAD = Principal(role="advocate", service_id=2, is_lead=True, user_id=11)
CASEWORKER = Principal(role="caseworker", user_id=12)
COMMISSIONER = Principal(role="commissioner", user_id=13)
ADMIN = Principal(role="admin", user_id=14)
PUBLIC = Principal(role=None)


@pytest.mark.parametrize("principal, lead, lead_of_2, lead_of_3, holds_2, holds_3, routing, home", [
    (ADVOCATE, False, False, False, True, False, False, "advocate"),
    (LEAD, True, True, False, True, False, False, "advocate"),
    (CASEWORKER, False, False, False, False, False, True, "caseworker"),
    (COMMISSIONER, False, False, False, False, False, False, "commissioner"),
    (ADMIN, False, False, False, False, False, False, "admin"),
    (Principal(role="caseworker", is_lead=True), False, False, False, False, False, True, "caseworker"),
])
def test_roles(principal, lead, lead_of_2, lead_of_3, holds_2, holds_3, routing, home):
    assert is_service_lead(principal) is lead
    assert is_service_lead_for(principal, 2) is lead_of_2
    assert is_service_lead_for(principal, 3) is lead_of_3
    assert may_hold_cases_of(principal, 2) is holds_2
    assert may_hold_cases_of(principal, 3) is holds_3
    assert may_change_routing(principal) is routing
    assert home_page(principal) == home


@pytest.mark.parametrize("principal, requested_by, self_approval, expected", [
    (LEAD, 10, False, True),        # another advocate asked: the lead approves
    (LEAD, 11, False, False),       # the lead's own request needs another lead
    (LEAD, 11, True, True),         # unless the service allows self-approval
    (ADVOCATE, 11, True, False),    # not a lead
    (CASEWORKER, 10, True, False),
])
def test_who_may_approve_a_closure(principal, requested_by, self_approval, expected):
    assert may_approve_closure(principal, requested_by, self_approval) is expected


@pytest.mark.parametrize("role, expected", [("advocate", True), ("caseworker", False), ("commissioner", False),
                                            ("admin", False), (None, False)])
def test_only_advocates_belong_to_a_service(role, expected):
    assert belongs_to_a_service(role) is expected
