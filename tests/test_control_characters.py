"""A NUL byte (or another control character) in any text a person can send is refused with a 400 or 422 that
names the field, never a 500, and nothing submitted reaches the logs.

The HTML side walks every page of the seeded demo as every role (and the public), finds every form on it and
sends each of its text inputs a NUL; the API side sends a NUL in each text field of each JSON body.
"""
import logging
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select
from wtforms import StringField, TextAreaField

from victimcare.demo import DEMO_PASSWORD, seed_demo
from victimcare.domain.text import has_control_characters
from victimcare.extensions import db
from victimcare.models import Case, User
from victimcare.web.forms import BaseForm

from .factories import make_token
from .helpers_api import body as referral_body
from .route_values import ROLES, route_values
from .test_audit_coverage import _build

TEXT_INPUT_TYPES = {"text", "email", "tel", "password", "search", "url", "number", None}


@pytest.mark.parametrize("value, multiline, refused", [
    ("Sam Example", False, False),
    ("a\x00b", False, True),
    ("a\x00b", True, True),
    ("line one\r\nline two\tindented", True, False),
    ("line one\nline two", False, True),
    ("tab\there", False, True),
    ("bell\x07", True, True),
    ("escape\x1b[2J", True, True),
    ("delete\x7f", False, True),
    ("c1\x85", True, True),
    ("Zoë O’Brien – café", False, False),
])
def test_the_rule_for_text(value, multiline, refused):
    assert has_control_characters(value, multiline) is refused


def test_every_form_of_the_app_checks_for_control_characters(app):
    """Forms added later are covered too: each must be a BaseForm, whose validation runs the check first."""
    from flask_wtf import FlaskForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("victimcare.")]
    assert len(ours) > 20
    assert [cls.__qualname__ for cls in ours if not issubclass(cls, BaseForm)] == []


def test_a_form_names_the_field_and_keeps_the_other_answers(app):
    class NoteForm(BaseForm):
        title = StringField("Title")
        note = TextAreaField("Note")

    with app.test_request_context(method="POST", data={"title": "Safe\x00", "note": "Two\r\nlines\tkept"}):
        form = NoteForm(meta={"csrf": False})
        assert form.validate() is False
        assert form.errors == {"title": ["Remove the control characters (such as a null byte) from “Title”"]}
        assert form.note.data == "Two\r\nlines\tkept"


class _Forms(HTMLParser):
    """The forms of a page: action, method, and their fields with the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                          "text": [], "other": {}}
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input":
            kind = (attrs.get("type") or "").lower() or None
            if kind in TEXT_INPUT_TYPES:
                self._form["text"].append(attrs["name"])
            elif kind in ("radio", "checkbox"):
                self._form["other"].setdefault(attrs["name"], attrs.get("value", "on"))
            elif kind == "hidden":
                self._form["other"][attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._form["text"].append(attrs["name"])
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select:
            self._form["other"].setdefault(self._select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


@pytest.fixture
def demo():
    seed_demo(referral_count=15)
    users = {name: db.session.scalar(select(User).where(User.email == f"{name}@demo.victimcare.test")) for name in ROLES}
    case = db.session.scalar(select(Case).order_by(Case.id))
    return users, case


def _pages(app, values):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static" and not rule.endpoint.startswith("api."):
            yield _build(rule, values)


def _all_forms(app, clients, values):
    """Every distinct form (by where it goes and what it holds) on every page, with a client that saw it."""
    found = {}
    for client in clients:
        for path in _pages(app, values):
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.mimetype:
                continue
            parser = _Forms()
            parser.feed(response.get_data(as_text=True))
            for form in parser.forms:
                if not form["text"]:
                    continue
                action = re.sub(r"[?#].*", "", form["action"]) or path
                # The self-referral's honeypot has a new name each time: one form, however often it is shown.
                key = (form["method"], action, tuple(sorted(n for n in form["text"] if not n.startswith("hp_"))))
                found.setdefault(key, (client, form, path))
    return found


def _signed_in(app, user):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": user.email, "password": DEMO_PASSWORD}).status_code == 302
    return client


def _reset_token(user) -> str:
    """A real password reset link's token, so its new-password form is walked too."""
    from victimcare.services import account_links
    from victimcare.services.actors import SYSTEM

    token = account_links.issue_link(SYSTEM, user, account_links.PASSWORD_RESET).token
    db.session.commit()
    return token


def test_a_nul_in_any_form_field_is_refused_naming_the_field_and_never_logged(app, demo, caplog):
    users, case = demo
    values = route_values(case, case.referral, users, _reset_token(users["caseworker"]))
    clients = [app.test_client()] + [_signed_in(app, users[role]) for role in ROLES]
    caplog.set_level(logging.DEBUG)
    forms = _all_forms(app, clients, values)
    assert len(forms) >= 10, sorted(forms)
    submitted = []
    for (method, action, text_fields), (client, form, page) in sorted(forms.items(), key=lambda item: item[0]):
        data = dict(form["other"])
        for name in text_fields:
            marker = f"Nulmarker{len(submitted):03d}x"
            submitted.append(marker)
            data[name] = f"{marker}\x00 safe-contact note"
        if method == "post":
            response = client.post(action, data=data)
        else:
            response = client.get(action, query_string=data)
        where = f"{method.upper()} {action} (form on {page}) fields {text_fields}"
        assert response.status_code in (400, 422), f"{where}: {response.status_code}"
        page_text = response.get_data(as_text=True)
        assert "control character" in page_text, where
    leaked = [marker for marker in submitted if marker in caplog.text]
    assert leaked == []


def _string_leaves(value, path=()):
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _string_leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _string_leaves(item, (*path, index))


def _with(value, path, replacement):
    if not path:
        return replacement
    head, *rest = path
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[head] = _with(value[head], rest, replacement)
    return copy


def test_a_nul_in_any_api_text_field_is_refused_and_never_logged(app, client, demo, caplog):
    users, case = demo
    caseworker = {"Authorization": f"Bearer {make_token(users['caseworker'].email)}"}
    advocate_user = db.session.scalar(select(User).where(User.email == "domestic-abuse@demo.victimcare.test"))
    da_case = db.session.scalar(select(Case).where(Case.service_id == advocate_user.service_id).order_by(Case.id))
    advocate = {"Authorization": f"Bearer {make_token(advocate_user.email)}"}
    bodies = [
        ("/api/v1/referrals", caseworker, referral_body()),
        (f"/api/v1/cases/{da_case.id}/contacts", advocate,
         {"at": "2026-01-05T10:00:00Z", "method": "phone", "outcome": "reached", "note": "Spoke to her"}),
        (f"/api/v1/cases/{da_case.id}/transitions", advocate, {"to": "accepted", "reason": "Needs support"}),
    ]
    caplog.set_level(logging.DEBUG)
    submitted = []
    for url, headers, body in bodies:
        for path in _string_leaves(body):
            marker = f"Nulmarker{len(submitted):03d}x"
            submitted.append(marker)
            response = client.post(url, json=_with(body, path, f"{marker}\x00 disclosure"),
                                   headers={**headers, "Idempotency-Key": marker})
            # The API's models refuse control characters with a 422 naming the field.
            where = f"{url} {'.'.join(map(str, path))}"
            assert response.status_code == 422, f"{where}: {response.status_code}"
            fields = [error.get("field", "") for error in response.get_json().get("errors", [])]
            assert any(str(path[-1]) in field for field in fields), f"{where}: {fields}"
    query = client.get("/api/v1/cases", query_string={"status": "open\x00"}, headers=advocate)
    assert query.status_code in (400, 422)
    leaked = [marker for marker in submitted if marker in caplog.text]
    assert leaked == []


def test_a_nul_in_a_query_parameter_is_a_400_naming_it(app, client, demo):
    users, _ = demo
    client = _signed_in(app, users["caseworker"])
    response = client.get("/cases/", query_string={"assignee": "1\x00"})
    assert response.status_code == 400
    assert "“assignee” contains a control character" in response.get_data(as_text=True)


def test_the_database_refuses_a_nul_before_the_driver_sees_it(app, demo, caplog):
    """The last line: text that got past every check becomes a 400, and the statement's values are not logged."""
    from victimcare.services.errors import ControlCharacters

    caplog.set_level(logging.DEBUG)
    with pytest.raises(ControlCharacters):
        db.session.execute(select(User).where(User.name == "Hidden-name\x00"))
    db.session.rollback()
    assert "Hidden-name" not in caplog.text


def test_logged_errors_hold_no_submitted_text(app, client, caplog):
    """Whatever an exception's message says, values of the request that caused it are withheld from the log."""
    from victimcare import log_privacy

    caplog.set_level(logging.DEBUG)
    with app.test_request_context("/cases/?q=Jane%20Doe", method="POST", data={"note": "She fears him"}):
        from flask import request

        request.form  # noqa: B018  (the form is parsed, as a view would have)
        try:
            raise ValueError("could not store 'She fears him' for Jane Doe")
        except ValueError:
            logging.getLogger("victimcare.test").exception("Failed on %s", request.full_path)
    assert "She fears him" not in caplog.text and "Jane Doe" not in caplog.text
    assert "ValueError" in caplog.text and log_privacy.WITHHELD in caplog.text
    logging.getLogger("werkzeug").info('"GET /cases/?q=Jane+Doe HTTP/1.1" 200 -')
    assert "Jane+Doe" not in caplog.text
