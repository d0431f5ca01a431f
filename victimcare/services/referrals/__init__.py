"""Referrals: creating them, reading them with their routing, a caseworker's overrides, and triage.

The package's public API is what this module names below: callers write
``from victimcare.services import referrals as referral_service`` and ``referral_service.create_referral(...)``,
and never import from the modules inside, which are split by job:

- ``inputs``: the plain data the operations take (ReferralInput, VictimDetails, DashAnswers, TriageCompletion, and
  the people around the victim: PerpetratorDetails, ParentCarerDetails);
- ``household``: checking and recording those people with a new referral;
- ``create``: recording a referral (person, DASH, routing, one case per route) in one transaction;
- ``reading``: the audited read of a referral and its details (routes in force, latest risk, cases);
- ``overrides``: a caseworker adds or removes a service, with a reason;
- ``triage``: the triage list (most urgent first), confirming a referral out of triage, or closing it as not
  proceeding;
- ``triage_edits``: what a caseworker records at triage besides routing facts: DASH answers, contact details;
- ``drafts``: the answers of a journey not yet submitted, encrypted, between its pages;
- ``imports``: referrals from another system in bulk, idempotent by the source system's id;
- ``routing``: routing with the policies in force and recording a route with its case (shared by the others).
"""
from .create import create_referral, new_reference
from .drafts import delete_user_drafts, discard_draft, load_draft, save_draft, sweep_expired_drafts
from .imports import (
    ImportTally,
    PlannedReferral,
    already_imported,
    batch_router,
    import_referral,
    plan_import,
    record_run,
    write_imports,
)
from .inputs import (
    DashAnswers,
    ParentCarerDetails,
    PerpetratorDetails,
    ReferralInput,
    TriageCompletion,
    VictimDetails,
)
from .overrides import add_route, remove_route
from .reading import (
    ActiveRoute,
    ReferralDetails,
    ReferralRow,
    get_referral,
    get_referral_details,
    list_referrals,
    routing_decisions_of,
)
from .routing import deadline_policies
from .triage import TriageRow, close_not_proceeding, confirm_triage, triage_list
from .triage_edits import ContactChanges, record_dash_at_triage

__all__ = [
    "ActiveRoute", "ContactChanges", "DashAnswers", "ImportTally", "ParentCarerDetails", "PerpetratorDetails", "ReferralDetails", "ReferralInput", "TriageCompletion", "TriageRow",
    "VictimDetails", "add_route", "already_imported", "close_not_proceeding", "confirm_triage", "create_referral",
    "deadline_policies", "delete_user_drafts", "discard_draft", "load_draft", "save_draft",
    "sweep_expired_drafts", "get_referral", "import_referral", "record_run", "PlannedReferral", "batch_router",
    "plan_import", "write_imports",
    "get_referral_details", "list_referrals", "ReferralRow",
    "new_reference", "record_dash_at_triage", "remove_route", "routing_decisions_of", "triage_list",
]
