"""Restricted records: marking a person's record restricted (from a case or a referral), and the notice their
pages show. Every read and change goes through services/restricted.py."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for

from ..domain.access import may_restrict
from ..services import cases as case_service
from ..services import referrals as referral_service
from ..services import restricted
from ..services.errors import ValidationFailed
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from . import presenters
from .forms import LiftRestrictionForm, RestrictionForm

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
