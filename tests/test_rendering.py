"""The page shell's rendering shortcuts (web/rendering.py) change nothing a page shows."""
import re

import jinja2
import pytest
from markupsafe import Markup

from victimcare.web import rendering


def _environment(templates: dict) -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.DictLoader(templates))
    environment.template_class = rendering.Template
    return environment


def test_an_import_reuses_the_imported_templates_module_when_the_globals_are_the_same():
    environment = _environment({"macros.html": "{% macro hi(name) %}Hello {{ name }}{% endmacro %}",
                                "page.html": '{% from "macros.html" import hi %}{{ hi("Sam") }}'})
    page = environment.get_template("page.html")

    assert page.render() == "Hello Sam"
    module = environment.get_template("macros.html")._module
    assert module is not None
    page.render()
    assert environment.get_template("macros.html")._module is module  # the cached module, not a fresh one


def test_an_import_from_a_template_with_globals_of_its_own_still_sees_them():
    """Jinja's rule kept: the imported template gets the importer's extra globals (a fresh module)."""
    environment = _environment({"macros.html": "{% macro hi() %}Hello {{ who }}{% endmacro %}",
                                "page.html": '{% from "macros.html" import hi %}{{ hi() }}'})
    environment.get_template("macros.html").render()  # cache its module without `who`

    assert environment.get_template("page.html", globals={"who": "Ali"}).render() == "Hello Ali"
    assert environment.get_template("macros.html").module.hi() == "Hello "


def test_memo_renders_what_the_macro_renders_once_per_distinct_arguments(monkeypatch):
    monkeypatch.setattr(rendering, "_memo", {})
    calls = []

    def tag(params):
        calls.append(params)
        return f'<strong class="govuk-tag">{params["text"]}</strong>'

    first = rendering.memo(tag, {"text": "Demo"})
    again = rendering.memo(tag, {"text": "Demo"})
    other = rendering.memo(tag, {"text": "Live"})

    assert first == again == Markup('<strong class="govuk-tag">Demo</strong>')
    assert isinstance(first, Markup)
    assert other == Markup('<strong class="govuk-tag">Live</strong>')
    assert calls == [{"text": "Demo"}, {"text": "Live"}]


def test_memo_keys_on_every_argument_including_nested_ones(monkeypatch):
    monkeypatch.setattr(rendering, "_memo", {})

    def navigation(params):
        return "|".join(f'{item["text"]}{"*" if item["active"] else ""}' for item in params["navigation"])

    cases = {"navigation": [{"href": "/home", "text": "Home", "active": False},
                            {"href": "/cases/", "text": "Cases", "active": True}]}
    home = {"navigation": [{"href": "/home", "text": "Home", "active": True},
                           {"href": "/cases/", "text": "Cases", "active": False}]}

    assert rendering.memo(navigation, cases) == "Home|Cases*"
    assert rendering.memo(navigation, home) == "Home*|Cases"


def test_memo_holds_a_bounded_number_of_entries(monkeypatch):
    monkeypatch.setattr(rendering, "_memo", {})
    monkeypatch.setattr(rendering, "MEMO_LIMIT", 3)

    for n in range(10):
        assert rendering.memo(lambda params: str(params["n"]), {"n": n}) == str(n)

    assert len(rendering._memo) <= 3


@pytest.mark.parametrize("path", ["/sign-in", "/self-referral"])
def test_the_shell_is_the_same_on_a_second_rendering(client, path):
    # apart from what is random on every rendering: the CSRF token and the honeypot field's name
    first, second = (re.sub(r'name="csrf_token" value="[^"]*"|hp_[0-9a-f]+', "",
                            client.get(path).get_data(as_text=True)) for _ in range(2))

    assert first == second
    assert 'class="govuk-skip-link"' in second
    assert '<span class="vc-logo__text">victimcare</span>' in second


@pytest.mark.parametrize("script_root", ["", "/victimcare"])
def test_link_for_gives_what_url_for_gives_for_each_row(app, script_root):
    from flask import url_for

    from victimcare.web.template_helpers import link_for

    with app.test_request_context("/cases/", base_url=f"http://localhost{script_root}/"):
        case_href = link_for("cases.show", "case_id")
        for case_id in (1, 42, 987654321):
            assert case_href(case_id) == url_for("cases.show", case_id=case_id)
        assert case_href(7) == f"{script_root}/cases/7"
