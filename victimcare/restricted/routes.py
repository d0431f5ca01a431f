"""Restricted records: marking a person's record restricted (from a case or a referral), the notice their pages
show, the restricted-record page with its break-glass form, and the break-glass review list. Every read and change
goes through services/restricted.py and services/break_glass.py."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..domain.access import may_restrict
from ..services import break_glass as break_glass_service
from ..services import cases as case_service
from ..services import referrals as referral_service
from ..services import restricted
from ..services.errors import Conflict, ValidationFailed
from ..services.restricted import RestrictedRecord
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from ..web.template_helpers import format_datetime
from . import presenters
from .forms import BreakGlassForm, BreakGlassReviewForm, LiftRestrictionForm, RestrictionForm

bp = Blueprint("restricted", __name__)


@bp.app_template_global()
def restricted_record_notice(person_id, manage_url):
    """The notice on a case or referral page: whether the record is restricted, and a link to manage it."""
    return presenters.notice(current_actor(), person_id, manage_url)


@bp.route("/cases/<int:case_id>/restriction", methods=["GET", "POST"])
@permission_required("case.view")
def case_restriction(case_id: int):
    case = case_service.get_case(current_actor(), case_id)
    return _restriction_page(case.referral.person_id, back=url_for("cases.show", case_id=case_id),
                             action=url_for(".case_restriction", case_id=case_id),
                             lift=url_for(".lift_case_restriction", case_id=case_id))


@bp.route("/cases/<int:case_id>/restriction/remove", methods=["POST"])
@permission_required("case.view")
def lift_case_restriction(case_id: int):
    case = case_service.get_case(current_actor(), case_id)
    return _lift(case.referral.person_id, url_for("cases.show", case_id=case_id))


@bp.route("/referrals/<reference>/restriction", methods=["GET", "POST"])
@permission_required("referral.view")
def referral_restriction(reference: str):
    referral = referral_service.get_referral(current_actor(), reference.upper())
    return _restriction_page(referral.person_id, back=url_for("referrals.show", reference=referral.reference),
                             action=url_for(".referral_restriction", reference=referral.reference),
                             lift=url_for(".lift_referral_restriction", reference=referral.reference))


@bp.route("/referrals/<reference>/restriction/remove", methods=["POST"])
@permission_required("referral.view")
def lift_referral_restriction(reference: str):
    referral = referral_service.get_referral(current_actor(), reference.upper())
    return _lift(referral.person_id, url_for("referrals.show", reference=referral.reference))


def _restriction_page(person_id: int | None, *, back: str, action: str, lift: str):
    actor = current_actor()
    if person_id is None:
        abort(404)
    if not may_restrict(actor.principal):
        abort(403)
    current = restricted.restriction_of(person_id)
    form = RestrictionForm(data={"reason": current.reason, "named": sorted(current.named_user_ids)} if current else None)
    staff = [user for user in restricted.staff_who_may_be_named(person_id) if user.id != actor.user_id]
    form.named.choices = [(user.id, presenters.staff_label(user)) for user in staff]
    if form.validate_on_submit():
        try:
            restricted.set_restriction(actor, person_id, form.reason.data, form.named.data or [])
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            flash("The record is restricted: only the people you named, and you, can open it.", "success")
            return redirect(back)
    return render_template("restricted/restriction.html", form=form, lift_form=LiftRestrictionForm(),
                           current=current, back=back, action=action, lift=lift), 400 if form.errors else 200


def _lift(person_id: int | None, back: str):
    if person_id is None:
        abort(404)
    form = LiftRestrictionForm()
    if form.validate_on_submit():
        restricted.lift_restriction(current_actor(), person_id)
        flash("The restriction is removed: the record opens for everyone whose role allows it.", "success")
    return redirect(back)


# --- break-glass ---------------------------------------------------------------------------------------------------

def restricted_record_page(refusal: RestrictedRecord, form: BreakGlassForm | None = None):
    """The page shown instead of a restricted record: what a restriction is, and the break-glass form when the
    refusal was on a case or referral (the only records the glass is broken on)."""
    action = None
    if refusal.case_id is not None and refusal.object_type == "case":
        action = url_for("restricted.case_break_glass", case_id=refusal.case_id)
    elif refusal.reference is not None:
        action = url_for("restricted.referral_break_glass", reference=refusal.reference)
    form = form or BreakGlassForm(formdata=None)
    return render_template("restricted/restricted.html", refusal=refusal, form=form, action=action,
                           minutes=current_app.config["BREAK_GLASS_MINUTES"]), 400 if form.errors else 403


@bp.route("/cases/<int:case_id>/break-glass", methods=["POST"])
@permission_required("case.view")
def case_break_glass(case_id: int):
    return _break_glass(url_for("cases.show", case_id=case_id), case_id=case_id)


@bp.route("/referrals/<reference>/break-glass", methods=["POST"])
@permission_required("referral.view")
def referral_break_glass(reference: str):
    reference = reference.upper()
    return _break_glass(url_for("referrals.show", reference=reference), reference=reference)


def _break_glass(back: str, **record):
    form = BreakGlassForm()
    if form.validate_on_submit():
        try:
            until = break_glass_service.break_glass(current_actor(), form.reason.data, **record)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        except Conflict:
            return redirect(back)  # not restricted (any more): nothing to break
        else:
            flash(f"You can open this record until {format_datetime(until)}. Your service lead has been told.",
                  "success")
            return redirect(back)
    refusal = RestrictedRecord(0, object_type="case" if "case_id" in record else "referral",
                               object_id=record.get("case_id") or record.get("reference"),
                               case_id=record.get("case_id"), reference=record.get("reference"))
    return restricted_record_page(refusal, form)


# --- the review list -----------------------------------------------------------------------------------------------

@bp.route("/break-glass")
@login_required
def reviews():
    waiting_only = request.args.get("show") == "waiting"
    page = break_glass_service.review_list(current_actor(), waiting_only=waiting_only,
                                           page=request.args.get("page", 1, type=int))
    return render_template("restricted/reviews.html", page=page, waiting_only=waiting_only)


@bp.route("/break-glass/<int:access_id>", methods=["GET", "POST"])
@login_required
def review(access_id: int):
    actor = current_actor()
    row = break_glass_service.review_row(actor, access_id)
    form = BreakGlassReviewForm()
    if row.may_review and form.validate_on_submit():
        try:
            break_glass_service.record_review(actor, access_id, form.justified.data == "yes", form.note.data)
        except Conflict as error:
            flash(error.message, "error")
        else:
            flash("Review recorded.", "success")
        return redirect(url_for(".reviews"))
    return render_template("restricted/review.html", row=row, form=form), 400 if form.errors else 200
