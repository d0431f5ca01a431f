"""The layers keep to their jobs: services never commit, the domain never touches Flask or the database, and the
boundary's one commit makes two service calls one transaction."""
import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select

from victimcare.extensions import db
from victimcare.models import AuditEvent, CaseNote
from victimcare.services import cases as case_service
from victimcare.services.actors import Actor
from victimcare.services.errors import NotFound
from victimcare.uow import after_commit, unit_of_work

from .helpers_cases import fresh, recent_case

PACKAGE = Path(__file__).resolve().parent.parent / "victimcare"


def _modules(folder: str):
    return sorted((PACKAGE / folder).rglob("*.py"))


def _calls(tree: ast.AST, name: str):
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name]


@pytest.mark.parametrize("path", _modules("services"), ids=lambda p: p.name)
def test_no_service_commits_or_rolls_back(path):
    """Only the boundary (request, CLI command, job) ends a transaction, so service calls compose."""
    tree = ast.parse(path.read_text())
    offenders = [f"{path.name}:{call.lineno} {call.func.attr}()" for name in ("commit", "rollback")
                 for call in _calls(tree, name)]
    assert offenders == []


@pytest.mark.parametrize("path", _modules("domain"), ids=lambda p: p.name)
def test_the_domain_imports_neither_flask_nor_sqlalchemy(path):
    tree = ast.parse(path.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "werkzeug"}


def test_two_service_calls_in_one_unit_of_work_are_one_transaction(users):
    """A failure in the second call leaves nothing of the first: no note, no audit event, no new version."""
    case = recent_case(status="in-progress")
    advocate = Actor.from_user(users["advocate"])
    version, events = fresh(case.id).version, db.session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(NotFound):
        with unit_of_work():
            case_service.add_note(advocate, case.id, "First, kept only if both succeed",
                                  expected_version=version)
            case_service.add_note(advocate, case.id + 999, "Second: no such case")
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert fresh(case.id).version == version


def test_both_calls_commit_together_when_both_succeed(users):
    case = recent_case(status="in-progress")
    advocate = Actor.from_user(users["advocate"])
    with unit_of_work():
        case_service.add_note(advocate, case.id, "One", expected_version=fresh(case.id).version)
        case_service.add_note(advocate, case.id, "Two")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 2


def test_work_waiting_for_the_commit_runs_after_it_and_never_after_a_rollback(users):
    ran = []
    with unit_of_work():
        after_commit(lambda: ran.append("committed"))
        assert ran == []
    assert ran == ["committed"]
    with pytest.raises(RuntimeError):
        with unit_of_work():
            after_commit(lambda: ran.append("rolled back"))
            raise RuntimeError("the change failed")
    with unit_of_work():
        pass
    assert ran == ["committed"]


def test_a_refused_request_keeps_its_refusal_and_nothing_else(client, auth, users):
    """A refused request leaves its audited refusal and no change."""
    case = recent_case("hate-crime", status="in-progress")
    auth.login(users["advocate"])  # domestic abuse: the hate-crime case is not theirs
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post(f"/cases/{case.id}/notes", data={"body": "Not mine", "version": "1"})
    assert response.status_code == 404
    db.session.expire_all()
    refusals = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > before)).all()
    assert [(e.action, e.object_type, e.object_id) for e in refusals] == [("permission-denied", "case", str(case.id))]
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 0


def _function_lengths(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("path", _modules("services"), ids=lambda p: str(p.relative_to(PACKAGE / "services")))
def test_service_modules_and_functions_stay_small_enough_to_read(path):
    """A service module does one job (about 400 lines at most; split a package by job when it grows), and a
    function reads as named steps (about 60 lines at most)."""
    source = path.read_text()
    assert len(source.splitlines()) <= 420, "split this module by job (see docs/architecture.md)"
    long_functions = [f"{name} (line {line}): {length} lines"
                      for name, line, length in _function_lengths(ast.parse(source)) if length > 60]
    assert long_functions == []


def test_the_readme_layout_names_every_package_and_service_module():
    """The README's layout section is the map a newcomer reads (with docs/architecture.md): it names each folder
    under victimcare/ and each module and package under services/."""
    readme = (PACKAGE.parent / "README.md").read_text()
    layout = readme[readme.index("## Layout"):readme.index("## Audit trail")]
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name not in ("static", "__pycache__")}
    services = {p.stem for p in (PACKAGE / "services").iterdir()
                if p.name != "__init__.py" and (p.suffix == ".py" or (p / "__init__.py").exists())}
    missing = sorted(name for name in folders | services if f"{name}/" not in layout and f"{name}.py" not in layout)
    assert missing == []
    assert (PACKAGE.parent / "docs" / "architecture.md").exists()


def _role_questions(tree: ast.AST):
    """`x.role == "..."` (or !=, in, not in a string literal or a tuple of them) and `actor.is_lead`: questions
    of who may do what. `User.role == ...` in a query is a filter on a column, not a question about an actor."""
    def is_role(node):
        return (isinstance(node, ast.Attribute) and node.attr == "role"
                and not (isinstance(node.value, ast.Name) and node.value.id == "User"))

    def is_literal(node):
        return isinstance(node, ast.Constant) and isinstance(node.value, str) or (
            isinstance(node, (ast.Tuple, ast.List, ast.Set)) and all(isinstance(e, ast.Constant) for e in node.elts))

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(is_role(side) for side in sides) and any(is_literal(side) for side in sides):
                yield node.lineno
        elif (isinstance(node, ast.Attribute) and node.attr == "is_lead" and isinstance(node.ctx, ast.Load)
              and isinstance(node.value, ast.Name) and node.value.id in ("actor", "current_user")):
            yield node.lineno


_ROLE_QUESTIONS_ALLOWED = {"domain/access.py", "services/actors.py"}


@pytest.mark.parametrize("path", [p for p in _modules("") if str(p.relative_to(PACKAGE)) not in _ROLE_QUESTIONS_ALLOWED
                                  and "models" not in p.parts], ids=lambda p: str(p.relative_to(PACKAGE)))
def test_permission_questions_are_answered_by_domain_access(path):
    """Who may do what is decided in domain/access.py alone: no `actor.role == "caseworker"`, no `actor.is_lead`
    elsewhere, so a new role or a changed rule is one edit."""
    offenders = [f"{path.name}:{line}" for line in _role_questions(ast.parse(path.read_text()))]
    assert offenders == []


@pytest.mark.parametrize("path", _modules("services"), ids=lambda p: str(p.relative_to(PACKAGE / "services")))
def test_every_refusal_names_what_was_refused(path):
    """A NotFound or Forbidden carries the object type (and id) or the permission refused: the error handlers
    audit the refusal from the exception itself."""
    tree = ast.parse(path.read_text())
    bare = [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("NotFound", "Forbidden")
            and not {k.arg for k in node.keywords} & {"object_type", "permission"}]
    assert bare == []


def _service_slug_comparisons(tree: ast.AST, service_slugs: set[str]):
    """`x.slug == "child-house"`, `service_slug != "domestic-abuse"`, `slug in ("hate-crime", ...)` and the like.
    `Service.slug == "..."` in a query finds a service by its slug; it decides nothing."""
    def names_a_slug(node):
        return ((isinstance(node, ast.Attribute) and node.attr == "slug"
                 and not (isinstance(node.value, ast.Name) and node.value.id[:1].isupper()))
                or (isinstance(node, ast.Name) and node.id.endswith("slug")))

    def service_literal(node):
        values = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
        return any(isinstance(v, ast.Constant) and v.value in service_slugs for v in values)

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(names_a_slug(side) for side in sides) and any(service_literal(side) for side in sides):
                yield node.lineno


def test_service_features_are_looked_up_by_slug_in_one_place():
    """What a service has (its steps, its Complaint page, DASH reassessment, MARAC...) is data in
    domain/service_features.py; no other module or template compares a service's slug to decide."""
    import re

    from victimcare.domain.vocab import SERVICES, slugs

    service_slugs = set(slugs(SERVICES))
    offenders = [f"{path.relative_to(PACKAGE)}:{line}" for path in _modules("")
                 if path.relative_to(PACKAGE) != Path("domain/service_features.py")
                 for line in _service_slug_comparisons(ast.parse(path.read_text()), service_slugs)]
    template_test = re.compile(r"slug\s*(==|!=|in)\s*[\[(]?\s*['\"](%s)['\"]" % "|".join(map(re.escape, service_slugs)))
    offenders += [f"{path.relative_to(PACKAGE.parent)}" for path in sorted((PACKAGE.parent / "templates").rglob("*.html"))
                  if template_test.search(path.read_text())]
    assert offenders == []


def test_no_template_works_out_today():
    """Overdue, due today and the like are decided in domain/due.py on London's today and handed to templates;
    a template reading the server's date (or UTC's) would disagree with the filters between midnight and 1 am."""
    import re

    reads_the_date = re.compile(r"\.today\(\)|date_type|now_utc\(\)\.date\(\)")
    offenders = [str(path.relative_to(PACKAGE.parent)) for path in sorted((PACKAGE.parent / "templates").rglob("*"))
                 if path.is_file() and reads_the_date.search(path.read_text())]
    assert offenders == []
