"""MARAC meetings for their coordinator: the list, a new meeting, its agenda, each case's hearing and actions, and
the agenda shared with partner agencies. Everyone else is refused by the service layer (403, audited)."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..services import marac, reference
from ..services.errors import Conflict, ValidationFailed
from ..web import current_actor
from ..web.forms import apply_service_errors
from . import presenters
from .forms import ActionForm, AddCaseForm, DeferForm, HearingForm, MeetingForm

bp = Blueprint("marac", __name__)


def _boroughs() -> dict[str, str]:
    return dict(reference.london_areas())


@bp.route("/")
@login_required
def meetings():
    summaries = marac.list_meetings(current_actor())
    names = _boroughs()
    return render_template("marac/meetings.html", summaries=summaries,
                           areas={s.meeting.id: presenters.area_label(s.meeting, names) for s in summaries},
                           overdue=presenters.overdue_lines(marac.overdue_actions(current_actor())))


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting():
    marac.require_coordinator(current_actor())
    form = MeetingForm()
    form.bcu.choices = presenters.bcu_choices()
    form.boroughs.choices = reference.london_areas()
    if form.validate_on_submit():
        try:
            meeting = marac.create_meeting(
                current_actor(), held_on=form.held_on.data, chair=form.chair.data, agencies=form.agencies.data,
                bcu=int(form.bcu.data) if form.bcu.data else None, borough_codes=form.boroughs.data or [])
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            count = len(marac.agenda(current_actor(), meeting.id)[1])
            flash(f"Meeting created. {count} {'case was' if count == 1 else 'cases were'} added to its agenda.",
                  "success")
            return redirect(url_for("marac.meeting", meeting_id=meeting.id))
    return render_template("marac/new_meeting.html", form=form), 400 if form.errors else 200


def _meeting_page(meeting_id: int, add_form=None, status: int = 200):
    actor = current_actor()
    meeting, rows = marac.agenda(actor, meeting_id)
    lines = presenters.agenda_lines(rows)
    total = marac.planned_total(rows)
    agreed = marac.meeting_actions(actor, meeting.id)
    actions = presenters.action_lines([a for a, _, _ in agreed], {a.id for a, _, hidden in agreed if hidden})
    return render_template(
        "marac/meeting.html", meeting=meeting, lines=lines, total=total,
        total_words=presenters.minutes_in_words(total), area=presenters.area_label(meeting, _boroughs()),
        agencies=presenters.agencies_text(meeting.agencies_invited), add_form=add_form or AddCaseForm(),
        form=add_form, actions=actions, counts_text=presenters.agenda_counts(lines, total),
        victims=presenters.action_victims(agreed, lines), restricted_hint=presenters.RESTRICTED_HINT,
    ), status


@bp.route("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id):
    return _meeting_page(meeting_id)


@bp.route("/meetings/<int:meeting_id>/fill", methods=["POST"])
@login_required
def fill(meeting_id):
    added = marac.fill_agenda(current_actor(), meeting_id)
    flash(f"{added} {'case was' if added == 1 else 'cases were'} added to the agenda." if added
          else "No new cases: the agenda already has every case referred since the last meeting.", "success")
    return redirect(url_for("marac.meeting", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/items", methods=["POST"])
@login_required
def add_case(meeting_id):
    form = AddCaseForm()
    if form.validate_on_submit():
        try:
            case_id = marac.find_case_id(current_actor(), meeting_id, form.case.data)
            marac.add_case(current_actor(), meeting_id, case_id, form.reason.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        except Conflict as error:
            form.case.errors = list(form.case.errors) + [error.message]
        else:
            flash("The case was added to the agenda.", "success")
            return redirect(url_for("marac.meeting", meeting_id=meeting_id))
    return _meeting_page(meeting_id, form, 400)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/defer", methods=["GET", "POST"])
@login_required
def defer(meeting_id, item_id):
    actor = current_actor()
    meeting, item, hearing, _ = marac.hearing_for_item(actor, meeting_id, item_id)
    form = DeferForm()
    if form.validate_on_submit():
        try:
            marac.defer_item(actor, meeting_id, item_id, form.reason.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The case was deferred. The next meeting's agenda will carry it.", "success")
            return redirect(url_for("marac.meeting", meeting_id=meeting_id))
    return render_template("marac/defer.html", form=form, meeting=meeting, item=item, line=_line(actor, meeting_id,
                                                                                                  item_id),
                           heard=hearing is not None), 400 if form.errors else 200


def _line(actor, meeting_id: int, item_id: int):
    _, rows = marac.agenda(actor, meeting_id)
    return next(line for line in presenters.agenda_lines(rows) if line.row.item.id == item_id)


def _hearing_page(meeting_id: int, item_id: int, hearing_form=None, action_form=None, status: int = 200):
    actor = current_actor()
    meeting, item, hearing, actions = marac.hearing_for_item(actor, meeting_id, item_id)
    return render_template(
        "marac/hearing.html", meeting=meeting, item=item, hearing=hearing, line=_line(actor, meeting_id, item_id),
        hearing_form=hearing_form or HearingForm(), action_form=action_form or ActionForm(),
        form=hearing_form or action_form, actions=presenters.action_lines(actions),
        agencies_present=presenters.agencies_text(hearing.agencies_present) if hearing else "",
        not_yet_held=not presenters.may_record_hearing(meeting.held_on),
    ), status


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def hearing(meeting_id, item_id):
    if request.method == "GET":
        return _hearing_page(meeting_id, item_id)
    form = HearingForm()
    if form.validate_on_submit():
        try:
            marac.record_hearing(current_actor(), meeting_id, item_id, agencies_present=form.agencies_present.data,
                                 risks_discussed=form.risks_discussed.data, victim_views=form.victim_views.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The hearing was recorded. Add the actions agreed.", "success")
            return redirect(url_for("marac.hearing", meeting_id=meeting_id, item_id=item_id) + "#actions")
    return _hearing_page(meeting_id, item_id, hearing_form=form, status=400)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/actions", methods=["POST"])
@login_required
def add_action(meeting_id, item_id):
    _, _, hearing, _ = marac.hearing_for_item(current_actor(), meeting_id, item_id)
    if hearing is None:
        raise Conflict("Record the hearing before its actions")
    form = ActionForm()
    if form.validate_on_submit():
        try:
            marac.add_action(current_actor(), hearing.id, marac.ActionInput(
                form.agency.data, form.owner.data, form.description.data, form.due_on.data))
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The action was added.", "success")
            return redirect(url_for("marac.hearing", meeting_id=meeting_id, item_id=item_id) + "#actions")
    return _hearing_page(meeting_id, item_id, action_form=form, status=400)


@bp.route("/actions/<int:action_id>/done", methods=["POST"])
@login_required
def action_done(action_id):
    action = marac.mark_done(current_actor(), action_id)
    flash("The action is recorded as done.", "success")
    back = request.form.get("back")
    if back and back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(url_for("marac.meetings") + f"#action-{action.id}")


@bp.route("/meetings/<int:meeting_id>/shares", methods=["POST"])
@login_required
def create_share(meeting_id):
    share = marac.create_share(current_actor(), meeting_id)
    return redirect(url_for("marac.share", meeting_id=meeting_id, share_id=share.id))


@bp.route("/meetings/<int:meeting_id>/shares/<int:share_id>")
@login_required
def share(meeting_id, share_id):
    meeting, share, rows = marac.share_rows(current_actor(), meeting_id, share_id, "print")
    return render_template("marac/share.html", meeting=meeting, share=share, rows=rows, marking=marac.MARKING,
                           columns=marac.SHARE_COLUMNS, area=presenters.area_label(meeting, _boroughs()))


@bp.route("/meetings/<int:meeting_id>/shares/<int:share_id>.csv")
@login_required
def share_csv(meeting_id, share_id):
    meeting, share, rows = marac.share_rows(current_actor(), meeting_id, share_id, "csv")
    filename = f"marac-agenda-{meeting.held_on.isoformat()}-OFFICIAL-SENSITIVE.csv"
    return Response(marac.share_csv(meeting, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
