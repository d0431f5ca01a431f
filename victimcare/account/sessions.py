"""Your sessions: where you are signed in, and "sign out of other sessions"."""
from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import login_required

from ..domain.browsers import describe_browser
from ..services import sessions as session_service
from ..web import current_actor
from .routes import bp


@bp.route("/account/sessions", endpoint="sessions")
@login_required
def sessions_page():
    rows = session_service.sessions_of(current_actor(), session.row_id)
    for row in rows:
        row["browser"] = describe_browser(row["user_agent"])
    return render_template("account/sessions.html", sessions=rows,
                           idle_minutes=int(current_app.config["IDLE_TIMEOUT"].total_seconds() // 60),
                           absolute_hours=current_app.config["SESSION_ABSOLUTE_HOURS"])


@bp.route("/account/sessions/end-others", methods=["POST"], endpoint="end_other_sessions")
@login_required
def end_other_sessions():
    ended = session_service.end_other_sessions(current_actor(), session.row_id)
    if ended:
        flash(f"You have signed out of {ended} other session{'s' if ended != 1 else ''}.", "success")
    else:
        flash("You were not signed in anywhere else.", "info")
    return redirect(url_for("account.sessions"))
