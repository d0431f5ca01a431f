"""Case work pages: the queue, the case page with its sub pages, and the lifecycle actions.

Routes stay thin: every read and change goes through services/cases/ and services/queues.py; presenters.py
shapes what the pages show.
"""
from datetime import datetime, time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from ..domain.access import has_permission, is_service_lead
from ..domain.clock import LONDON, london_datetime, london_today
from ..domain.code_rights import EVENT_RIGHT
from ..domain.dash import dash_questions_of
from ..domain.complaints import RESPONSE_STATUSES, response_status
from ..domain.deadlines import working_days_between
from ..domain.service_features import process_stopped, steps_for
from ..domain.vocab import CLOSURE_REASONS, CODE_EVENTS, OUTCOME_ANSWERS, OUTCOME_QUESTIONS, label
from ..services import cases as case_service
from ..services import code_rights, queues, reference
from ..services.errors import Conflict, NotFound, ValidationFailed
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from . import presenters
from .code_rights_presenter import code_rights_rows, code_rights_summary
from .forms import (
    FILTER_STATUS_CHOICES,
    AssignForm,
    ClosureRequestForm,
    CodeEventForm,
    ClosureReviewForm,
    ComplaintForm,
    ConfirmForm,
    ContactForm,
    DashReassessmentForm,
    DeclineForm,
    NeedsForm,
    NoteForm,
    ReasonForm,
    SafeguardingLeadForm,
    StepForm,
    TaskForm,
    TransferForm,
)

bp = Blueprint("cases", __name__)


PRIORITY_CHOICES = [("high", "High"), ("normal", "Normal")]


# --- the queue ------------------------------------------------------------------------------------------------

def _queue_filters_from_request() -> tuple[queues.QueueFilters, dict]:
    args = request.args
    chosen = {
        "status": [s for s in args.getlist("status") if s in dict(FILTER_STATUS_CHOICES)],
        "priority": [p for p in args.getlist("priority") if p in dict(PRIORITY_CHOICES)],
        "borough": args.get("borough") or "",
        "due": [d for d in args.getlist("due") if d in ("overdue", "today")],
        "assigned": args.get("assigned") if args.get("assigned") in ("me", "none") else "",
        "assignee": args.get("assignee", type=int),
        "closure": args.get("closure") == "requested",
        "tasks": args.get("tasks") if args.get("tasks") in ("due", "overdue") else "",
    }
    filters = queues.QueueFilters(
        statuses=tuple(chosen["status"]), priorities=tuple(chosen["priority"]), borough=chosen["borough"] or None,
        overdue="overdue" in chosen["due"], due_today="today" in chosen["due"],
        assigned_to_me=chosen["assigned"] == "me", unassigned=chosen["assigned"] == "none",
        assignee_id=chosen["assignee"], closure_requested=chosen["closure"], tasks=chosen["tasks"] or None,
    )
    # The query string to carry to the next page: only what was actually chosen.
    link_args = {key: value for key, value in request.args.lists() if key != "page"}
    return filters, chosen | {"link_args": link_args}


@bp.route("/", endpoint="queue")
@permission_required("case.view")
def queue():
    filters, chosen = _queue_filters_from_request()
    page = queues.service_queue(current_actor(), filters, page=request.args.get("page", 1, type=int))
    boroughs = reference.london_areas()
    # The service's advocates are needed only to name the one a filter chose: no statement otherwise.
    advocates = case_service.service_advocates(current_actor().service_id) if chosen["assignee"] else []
    return render_template(
        "cases/queue.html", queue=page, chosen=chosen, status_choices=FILTER_STATUS_CHOICES,
        priority_choices=PRIORITY_CHOICES, boroughs=boroughs, advocates=advocates,
        filtered=any(v for k, v in chosen.items() if k != "link_args"),
    )


# --- the case page and its sub pages ----------------------------------------------------------------------------

def _page(template: str, case, status: int = 200, **context):
    actor = current_actor()
    return render_template(
        template, case=case, who=presenters.identity(case), steps=case_service.next_steps(actor, case),
        service_steps=steps_for(case.service.slug), consent=presenters.consent(case), **context,
    ), status


def _with_version(form, case):
    if not form.is_submitted():
        form.version.data = case.version
    return form


def _conflict(case_id: int, form, partial: str, their_version, action_url: str, **extra):
    """The stale-save page: what changed since they opened the case, current values, and their input kept."""
    case = case_service.get_case(current_actor(), case_id)
    form.version.data = case.version  # resubmitting their input now applies it on top of the current case
    changed = presenters.changes_since(case, their_version) if their_version else []
    return render_template(
        "cases/conflict.html", case=case, who=presenters.identity(case), form=form, partial=partial,
        changed=changed, action_url=action_url, their_version=their_version, **extra,
    ), 409


def _save_case_form(case_id: int, form, operation, *, endpoint: str, partial: str, done, redirect_to=None,
                    field_map=None):
    """Apply a validated case form through the service layer. Returns the redirect (with `done` flashed) when it
    saved, the conflict page when the case changed since the form was opened, or None with the service's errors
    shown on the form."""
    try:
        result = operation()
    except case_service.StaleCase:
        return _conflict(case_id, form, partial, form.version.data, url_for(endpoint, case_id=case_id))
    except ValidationFailed as error:
        if field_map:
            error.errors = [dict(e, field=field_map.get(e["field"], e["field"])) for e in error.errors]
        apply_service_errors(form, error)
        return None
    flash(done(result) if callable(done) else done, "success")
    return redirect(url_for(redirect_to or endpoint, case_id=case_id))


def _illegal(case_id: int, error: Conflict):
    flash(error.message, "error")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/<int:case_id>", endpoint="show")
@permission_required("case.view")
def show(case_id):
    actor = current_actor()
    case = case_service.get_case(actor, case_id, overview=True)
    assign_form = None
    if is_service_lead(actor.principal):
        assign_form = _with_version(AssignForm(), case)
        assign_form.assignee.choices = _advocate_choices(case, "Nobody (unassigned)")
        assign_form.assignee.data = str(case.assigned_to_id or "")
    return _page(
        "cases/show.html", case, timeline=presenters.timeline(case), confirm_form=_with_version(ConfirmForm(), case),
        assign_form=assign_form, facts=presenters.case_facts(case, dash_questions()),
        specialist=presenters.specialist_assessment(case),
    )


def dash_questions():
    return dash_questions_of(current_app.config.get("DASH_QUESTIONS_FILE"))


def _advocate_choices(case, empty_label):
    return [("", empty_label)] + [(str(u.id), u.name) for u in case_service.service_advocates(case.service_id)]


def _london_datetime(day, clock: str) -> datetime:
    hours, minutes = clock.replace(".", ":").split(":")
    return datetime.combine(day, time(int(hours), int(minutes)), tzinfo=LONDON)


@bp.route("/<int:case_id>/contacts", methods=["GET", "POST"], endpoint="contacts")
@permission_required("case.view")
def contacts(case_id):
    actor = current_actor()
    form = ContactForm()
    if form.validate_on_submit():
        response = _save_case_form(
            case_id, form, lambda: case_service.record_contact(
                actor, case_id, _london_datetime(form.at_date.data, form.at_time.data), form.method.data,
                form.outcome.data, note=form.note.data or None, expected_version=form.version.data,
                against_wishes_confirmed=form.against_wishes_confirmed.data,
                against_wishes_reason=form.against_wishes_reason.data),
            endpoint="cases.contacts", partial="cases/_form_contact.html", done="Contact attempt recorded.",
            field_map={"at": "at_date"})
        if response:
            return response
    case = case_service.get_case(actor, case_id)
    return _page("cases/contacts.html", case, 400 if form.errors else 200, form=_with_version(form, case),
                 contacts=case_service.list_contacts(case))


@bp.route("/<int:case_id>/notes", methods=["GET", "POST"], endpoint="notes")
@permission_required("case.view")
def notes(case_id):
    actor = current_actor()
    form = NoteForm()
    if form.validate_on_submit():
        response = _save_case_form(
            case_id, form, lambda: case_service.add_note(
                actor, case_id, form.body.data, form.sensitive.data, expected_version=form.version.data),
            endpoint="cases.notes", partial="cases/_form_note.html", done="Note added.")
        if response:
            return response
    case = case_service.get_case(actor, case_id)
    return _page("cases/notes.html", case, 400 if form.errors else 200, form=_with_version(form, case),
                 notes=case_service.list_notes(case))


@bp.route("/<int:case_id>/tasks", methods=["GET", "POST"], endpoint="tasks")
@permission_required("case.view")
def tasks(case_id):
    actor = current_actor()
    case = case_service.get_case(actor, case_id)
    form = TaskForm()
    form.assigned_to.choices = _advocate_choices(case, "Nobody yet")
    if form.validate_on_submit():
        response = _save_case_form(
            case_id, form, lambda: case_service.add_task(
                actor, case_id, form.title.data, form.due_on.data,
                int(form.assigned_to.data) if form.assigned_to.data else None, expected_version=form.version.data),
            endpoint="cases.tasks", partial="cases/_form_task.html", done="Task added.")
        if response:
            return response
    return _page("cases/tasks.html", case, 400 if form.errors else 200, form=_with_version(form, case),
                 tasks=case_service.list_tasks(case), done_form=_with_version(ConfirmForm(formdata=None), case))


@bp.route("/<int:case_id>/tasks/<int:task_id>/done", methods=["POST"], endpoint="task_done")
@permission_required("case.work")
def task_done(case_id, task_id):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        case_service.complete_task(current_actor(), case_id, task_id, expected_version=form.version.data)
    except case_service.StaleCase:
        return _conflict(case_id, form, "cases/_form_confirm.html", form.version.data,
                         url_for("cases.task_done", case_id=case_id, task_id=task_id), action_title="Mark task done")
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash("Task marked as done.", "success")
    return redirect(url_for("cases.tasks", case_id=case_id))


@bp.route("/<int:case_id>/assign", methods=["POST"], endpoint="assign")
@permission_required("case.work")
def assign(case_id):
    actor = current_actor()
    form = AssignForm()
    form.assignee.choices = [(form.assignee.data or "", "")]  # the service layer decides who may be assigned
    if not form.validate_on_submit():
        abort(400)
    try:
        case = case_service.assign_case(actor, case_id, int(form.assignee.data) if form.assignee.data else None,
                                        expected_version=form.version.data)
    except case_service.StaleCase:
        case = case_service.get_case(actor, case_id)
        form.assignee.choices = _advocate_choices(case, "Nobody (unassigned)")
        return _conflict(case_id, form, "cases/_form_assign.html", form.version.data,
                         url_for("cases.assign", case_id=case_id))
    except ValidationFailed as error:
        flash(error.errors[0]["message"], "error")
        return redirect(url_for("cases.show", case_id=case_id))
    flash(f"Case assigned to {case.assigned_to.name}." if case.assigned_to else "Case unassigned.", "success")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/<int:case_id>/steps", methods=["GET", "POST"], endpoint="steps")
@permission_required("case.view")
def steps(case_id):
    actor = current_actor()
    case = case_service.get_case(actor, case_id)
    form = StepForm()
    form.step.choices = list(steps_for(case.service.slug))
    if form.validate_on_submit():
        response = _save_case_form(
            case_id, form, lambda: case_service.record_step(
                actor, case_id, form.step.data, form.occurred_on.data, form.detail.data,
                expected_version=form.version.data),
            endpoint="cases.steps", partial="cases/_form_step.html", done="Step recorded.")
        if response:
            return response
    recorded = case_service.list_steps(case)
    lead_form = None
    if case.service.features.safeguarding_lead:
        lead_form = SafeguardingLeadForm(formdata=None, name=case.safeguarding_lead)
        lead_form.version.data = case.version
    dash_form, history = None, []
    if case.service.features.dash_reassessment:
        dash_form = DashReassessmentForm(formdata=None)
        dash_form.version.data = case.version
        history = case_service.dash_history(case)
    return _page("cases/steps.html", case, 400 if form.errors else 200, form=_with_version(form, case),
                 lead_form=lead_form, dash_form=dash_form, dash_history=history, recorded=recorded,
                 stopped=process_stopped(case.service.slug, {m.step for m, _ in recorded}),
                 specialist=presenters.specialist_assessment(case))


_CODE_EVENT_FIELDS = {"right": "event", "at": "at_on", "decision_at": "decision_on"}


@bp.route("/<int:case_id>/victims-code", methods=["GET", "POST"], endpoint="code_rights")
@permission_required("case.view")
def code_rights_page(case_id):
    """The case's Victims' Code rights, and (for staff who may record them) what happened under one."""
    actor = current_actor()
    may_record = has_permission(actor.principal, "code-rights.record")
    form = CodeEventForm()
    if may_record and form.validate_on_submit():
        event, on, decided = form.event.data, form.at_on.data, form.decision_on.data
        response = _save_case_form(
            case_id, form, lambda: code_rights.record_code_event(
                actor, case_id, EVENT_RIGHT.get(event, ""), event, london_datetime(on),
                decision_at=london_datetime(decided) if decided else None, note=form.note.data,
                decision=form.decision.data or None, expected_version=form.version.data),
            endpoint="cases.code_rights", partial="cases/_form_code_event.html",
            done=lambda row: f"Recorded: {label(CODE_EVENTS, row.event)}.",
            field_map=_CODE_EVENT_FIELDS)
        if response:
            return response
    case = case_service.get_case(actor, case_id)
    result = code_rights.case_code_rights(actor, case_id)
    return _page("cases/code_rights.html", case, 400 if form.errors else 200,
                 form=_with_version(form, case) if may_record else None,
                 rights=code_rights_rows(result), summary=code_rights_summary(result))


@bp.route("/<int:case_id>/dash", methods=["GET", "POST"], endpoint="dash_reassessment")
@permission_required("case.view")
def dash_reassessment(case_id):
    actor = current_actor()
    form = DashReassessmentForm()
    if form.validate_on_submit():
        response = _save_case_form(
            case_id, form, lambda: case_service.reassess_dash(
                actor, case_id, form.yes_count.data, form.professional_judgement.data,
                form.professional_judgement_reason.data, form.incidents.data, expected_version=form.version.data),
            endpoint="cases.dash_reassessment", partial="cases/_form_dash.html", redirect_to="cases.steps",
            done=lambda result: f"DASH reassessment recorded: {result.level} risk"
                                + (", MARAC referral required." if result.marac else "."))
        if response:
            return response
    case = case_service.get_case(actor, case_id)
    if not case.service.features.dash_reassessment:
        raise NotFound("Case not found", object_type="case", object_id=case_id)  # audited like any refusal
    return _page("cases/action.html", case, 400 if form.errors else 200, form=_with_version(form, case),
                 partial="cases/_form_dash.html", action_title="Reassess DASH risk",
                 action_url=url_for("cases.dash_reassessment", case_id=case_id))


@bp.route("/<int:case_id>/safeguarding-lead", methods=["POST"], endpoint="safeguarding_lead")
@permission_required("case.work")
def safeguarding_lead(case_id):
    form = SafeguardingLeadForm()
    if form.validate_on_submit():
        try:
            case_service.set_safeguarding_lead(current_actor(), case_id, form.name.data, expected_version=form.version.data)
        except case_service.StaleCase:
            flash("Someone else changed this case after you opened it. Nothing was saved; check and try again.", "error")
        except ValidationFailed as error:
            flash("; ".join(item["message"] for item in error.errors), "error")
        else:
            flash("Safeguarding lead saved.", "success")
    else:
        flash("Enter the safeguarding lead's name (up to 120 characters).", "error")
    return redirect(url_for("cases.steps", case_id=case_id))


@bp.route("/<int:case_id>/needs", methods=["GET", "POST"], endpoint="needs")
@permission_required("case.view")
def needs(case_id):
    actor = current_actor()
    form = NeedsForm()
    if form.validate_on_submit():
        response = _save_case_form(
            case_id, form, lambda: case_service.save_needs(
                actor, case_id, form.needs.data or [], form.support_plan.data, expected_version=form.version.data),
            endpoint="cases.needs", partial="cases/_form_needs.html", done="Needs assessment and support plan saved.")
        if response:
            return response
    case = case_service.get_case(actor, case_id)
    if not form.is_submitted():
        form.needs.data = (case.needs or {}).get("identified", [])
        form.support_plan.data = case.support_plan
    return _page("cases/needs.html", case, 400 if form.errors else 200, form=_with_version(form, case))


@bp.route("/<int:case_id>/complaint", methods=["GET", "POST"], endpoint="complaint")
@permission_required("case.view")
def complaint(case_id):
    """A Victims' Commissioner case's complaint: the agency, the Code right and the agency's response."""
    actor = current_actor()
    case = case_service.get_case(actor, case_id)
    if not case.service.features.complaint:
        raise NotFound("Case not found", object_type="case", object_id=case_id)  # audited like any refusal
    form = ComplaintForm()
    if form.validate_on_submit():
        response = _save_case_form(
            case_id, form, lambda: case_service.record_complaint(
                actor, case_id, agency=form.agency.data, code_right=form.code_right.data,
                requested_on=form.requested_on.data, received_on=form.received_on.data,
                expected_version=form.version.data),
            endpoint="cases.complaint", partial="cases/_form_complaint.html", done="Complaint saved.")
        if response:
            return response
    elif not form.is_submitted():
        form.agency.data = case.complaint_agency
        form.code_right.data = case.complaint_code_right or ""
        form.requested_on.data = case.response_requested_on
        form.received_on.data = case.response_received_on
    requested, due = case.response_requested_on, case.response_due_on
    status = response_status(requested, due, case.response_received_on, london_today())
    return _page(
        "cases/complaint.html", case, 400 if form.errors else 200, form=_with_version(form, case),
        response_status=status, response_status_label=label(RESPONSE_STATUSES, status),
        # The count the due date was worked out with (the setting may have changed since).
        due_working_days=working_days_between(requested, due) if requested and due else None,
    )


# --- lifecycle actions ----------------------------------------------------------------------------------------

# action -> (form class, target status, page title, form partial)
ACTIONS = {
    "accept": (ConfirmForm, "accepted", "Accept the case", "cases/_form_confirm.html"),
    "start": (ConfirmForm, "in-progress", "Start work on the case", "cases/_form_confirm.html"),
    "decline": (DeclineForm, "declined", "Decline the case", "cases/_form_decline.html"),
    "transfer": (TransferForm, "transferred", "Transfer the case to another service", "cases/_form_transfer.html"),
    "close": (ClosureRequestForm, "closed", "Ask to close the case", "cases/_form_closure.html"),
    "reopen": (ReasonForm, "in-progress", "Reopen the case", "cases/_form_reason.html"),
}


def change_status(case_id, action):
    form_class, target, title, partial = ACTIONS[action]
    actor = current_actor()
    form = form_class()
    if form.validate_on_submit():
        try:
            case_service.transition(
                actor, case_id, target, reason=getattr(form, "reason", None) and form.reason.data,
                target_service=getattr(form, "target_service", None) and form.target_service.data,
                closure_reason=getattr(form, "closure_reason", None) and form.closure_reason.data,
                outcomes=form.outcomes() if isinstance(form, ClosureRequestForm) else None,
                reason_code=getattr(form, "reason_code", None) and form.reason_code.data,
                expected_version=form.version.data, outcomes_required=True, reason_code_required=True,
                checklist_required=True, override_reason=getattr(form, "override_reason", None) and form.override_reason.data,
            )
        except case_service.StaleCase:
            return _conflict(case_id, form, partial, form.version.data,
                             url_for(f"cases.status_{action}", case_id=case_id), action_title=title)
        except Conflict as error:
            return _illegal(case_id, error)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash(_done_message(action), "success")
            return redirect(url_for("cases.show", case_id=case_id))
    case = case_service.get_case(actor, case_id)
    if isinstance(form, TransferForm):
        form.target_service.choices = [c for c in form.target_service.choices if c[0] != case.service.slug]
    checklist = case_service.closure_checklist(case) if isinstance(form, ClosureRequestForm) else None
    return _page("cases/action.html", case, 400 if form.errors else 200, form=_with_version(form, case),
                 partial=partial, action_title=title, action=action, checklist=checklist,
                 action_url=url_for(f"cases.status_{action}", case_id=case_id))


def _status_view(action: str):
    @permission_required("case.view")
    def view(case_id):
        return change_status(case_id, action)

    view.__name__ = f"status_{action}"
    return view


@bp.route("/<int:case_id>/status/accept-and-assign-to-me", methods=["POST"], endpoint="accept_and_take")
@permission_required("case.view")
def accept_and_take(case_id):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        case_service.accept_and_take(current_actor(), case_id, expected_version=form.version.data)
    except case_service.StaleCase:
        return _conflict(case_id, form, "cases/_form_confirm.html", form.version.data,
                         url_for("cases.status_accept", case_id=case_id), action_title="Accept the case")
    except Conflict as error:
        return _illegal(case_id, error)
    flash("Case accepted and assigned to you.", "success")
    return redirect(url_for("cases.show", case_id=case_id))


# One endpoint per action (cases.status_accept, cases.status_decline...): no free <action> in the URL.
for _action in ACTIONS:
    bp.add_url_rule(f"/<int:case_id>/status/{_action}", endpoint=f"status_{_action}", view_func=_status_view(_action),
                    methods=["GET", "POST"])


def _done_message(action: str) -> str:
    return {
        "accept": "Case accepted.", "start": "Work on the case has started.",
        "decline": "Case declined. The referral has gone back to triage.",
        "transfer": "Case transferred. The other service now has its own case, with this history.",
        "close": "Closure requested. A service lead will approve it or send it back.",
        "reopen": "Case reopened.",
    }[action]


@bp.route("/<int:case_id>/closure", methods=["GET", "POST"], endpoint="review_closure")
@permission_required("case.view")
def review_closure(case_id):
    actor = current_actor()
    form = ClosureReviewForm()
    if form.validate_on_submit():
        try:
            if form.decision.data == "approve":
                case_service.approve_closure(actor, case_id, expected_version=form.version.data,
                                             checklist_required=True, override_reason=form.override_reason.data)
                message = "Closure approved. The case is closed."
            else:
                case_service.send_back_closure(actor, case_id, form.comment.data, expected_version=form.version.data)
                message = "Closure sent back to the advocate with your comment."
        except case_service.StaleCase:
            return _conflict(case_id, form, "cases/_form_review.html", form.version.data,
                             url_for("cases.review_closure", case_id=case_id), action_title="Review closure")
        except Conflict as error:
            return _illegal(case_id, error)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("cases.show", case_id=case_id))
    case = case_service.get_case(actor, case_id)
    pending = case_service.closure_pending(case)
    return _page("cases/review_closure.html", case, 400 if form.errors else 200, form=_with_version(form, case),
                 partial="cases/_form_review.html", action_url=url_for("cases.review_closure", case_id=case_id),
                 checklist=case_service.closure_checklist(case) if pending else None,
                 override_reason=case_service.closure_override_reason(case),
                 open_tasks=presenters.open_tasks(case) if pending else [], time_open=presenters.time_open(case),
                 closure_reason=label(CLOSURE_REASONS, case.closure_reason) if case.closure_reason else None,
                 outcomes=[(text, label(OUTCOME_ANSWERS, getattr(case, case_service.OUTCOME_COLUMNS[slug])))
                           for slug, text in OUTCOME_QUESTIONS if getattr(case, case_service.OUTCOME_COLUMNS[slug])])

from . import consent_routes, justice_routes  # noqa: E402,F401  (register their pages on this blueprint)
