"""Account changes waiting for a second person: administrators and service leads approve or reject them."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from ..services import account_changes
from ..web import current_actor
from .routes import bp


@bp.route("/account-changes", endpoint="account_changes")
@login_required
def account_changes_page():
    waiting = account_changes.waiting_changes(current_actor())
    return render_template("account/account_changes.html", **waiting)


@bp.route("/account-changes/<int:change_id>", methods=["POST"], endpoint="decide_account_change")
@login_required
def decide(change_id):
    decision = request.form.get("decision")
    if decision not in ("approve", "reject"):
        abort(400)
    change = account_changes.decide(current_actor(), change_id, decision == "approve")
    if change.kind == "second-factor-reset":
        flash(f"Approved: {change.user.name}'s second factor is removed and they are signed out everywhere. They set "
              "up a new one when they next sign in." if decision == "approve"
              else f"Rejected: {change.user.name}'s second factor is unchanged.", "success")
    elif decision == "approve":
        flash(f"Approved: {change.user.name}'s access has changed.", "success")
    else:
        flash(f"Rejected: {change.user.name}'s access is unchanged.", "success")
    return redirect(url_for("account.account_changes"))
