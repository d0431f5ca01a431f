"""Flask's session, kept on the server once someone signs in.

Before sign-in (the sign-in page, the public self-referral form) the session is Flask's usual signed cookie: it
holds only a CSRF token and a flashed message or two, and nobody's visit costs a database row. Signing in starts
a server-side session (services/sessions.py): from then on the cookie carries only ``sid.`` and a random token,
and the session's contents live in its row. Signing out deletes the row, so a copied cookie opens nothing.
"""
from flask import request
from flask_wtf.csrf import generate_csrf
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from .. import uow
from ..services import mfa
from ..services import sessions as session_service

PREFIX = "sid."


class ServerSession(SecureCookieSession):
    """A session dict that knows which server-side row (if any) it belongs to."""

    def __init__(self, initial=None, row_id=None, user_id=None, token=None, ended=None, stored=None,
                 factor_state=None, last_seen_at=None, user=None):
        super().__init__(initial)
        self.user = user  # the signed-in user, read with the row (the login manager's user loader takes it)
        self.last_seen_at = last_seen_at  # the row's last recorded use (None: a new session, written anyway)
        self.factor_state = factor_state  # the second factor: not-needed, pending, enrol or passed
        self.row_id = row_id
        self.user_id = user_id
        self.token = token
        self.stored = stored  # the session's contents as this request found them
        self.ended = ended  # "idle" or "expired" when this request's cookie led to a session that has just ended
        self.token_is_new = False


class ServerSessionInterface(SecureCookieSessionInterface):
    session_class = ServerSession

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app)) or ""
        if not value.startswith(PREFIX):
            return super().open_session(app, request)
        token = value[len(PREFIX):]
        lookup = session_service.find(token)
        if lookup.row is None:
            if lookup.ended:
                uow.commit()  # the ended session's row is gone for good, whatever this request does next
            ended = ServerSession(ended=lookup.ended)
            ended.modified = True  # replace the dead cookie
            return ended
        row = lookup.row
        return ServerSession(self.serializer.loads(row.data), row_id=row.id, user_id=row.user_id, token=token,
                             stored=row.data, factor_state=row.factor_state, last_seen_at=row.last_seen_at,
                             user=lookup.user)

    def save_session(self, app, session, response):
        if session.row_id is None:
            return super().save_session(app, session, response)
        # At most one UPDATE and no read: only when the contents changed or the last recorded use is older than
        # SESSION_TOUCH_SECONDS. A session ended elsewhere during this request is found gone by the next request,
        # which replaces the cookie.
        data = self.serializer.dumps(dict(session)) if session.modified else None
        if session.last_seen_at is None or session_service.needs_touch(session.last_seen_at, session.stored, data):
            session_service.touch(session.row_id, session.stored, data)
            uow.commit()
        if session.token_is_new:
            response.set_cookie(
                self.get_cookie_name(app), PREFIX + session.token, domain=self.get_cookie_domain(app),
                path=self.get_cookie_path(app), secure=self.get_cookie_secure(app),
                httponly=self.get_cookie_httponly(app), samesite=self.get_cookie_samesite(app),
            )
        response.vary.add("Cookie")


def begin(session, user) -> None:
    """Turn this request's session into a new server-side one for `user` (a fresh id: no session fixation)."""
    session.clear()
    state = mfa.factor_state_at_sign_in(user)
    row, token = session_service.start(user, request.remote_addr, request.user_agent.string, state)
    session.factor_state = state
    session.row_id, session.user_id, session.token, session.token_is_new = row.id, user.id, token, True
    session.user = user
    session.stored = row.data
    generate_csrf()  # stored now, so that the pages that follow leave the session as it is (and unwritten)
    session.modified = True


def finish(session) -> None:
    """Sign out: delete the server-side row and go back to an empty cookie session."""
    if session.row_id is not None:
        session_service.end(session.row_id)
    session.clear()
    session.row_id = session.user_id = session.token = session.factor_state = session.user = None
    session.modified = True
