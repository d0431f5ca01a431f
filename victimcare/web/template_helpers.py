"""Template globals and filters: formatting only, no decisions about data."""
from datetime import datetime
from functools import lru_cache

from flask import current_app, request, session, url_for
from flask_login import current_user

from ..domain import access, due
from ..domain.access import has_permission
from ..domain.clock import LONDON, london_today, utc_now
from ..domain.contact_details import phone_for_display
from ..domain.people import UNSAFE_CONTACT_RULES
from ..domain.report_definitions import ROUTE_LABELS
from ..domain.vocab import ROLES, SERVICES, label

# (permission needed, endpoint, text, the path prefixes under it): the service navigation a role sees. The one
# item whose prefix matches the page's path longest is marked current, so a journey under /referrals/new is "New
# referral" only, never "New referral" and "Triage" at once.
NAVIGATION = (
    (None, "main.home", "Home", ("/home",)),
    ("referral.create", "referrals.new", "New referral", ("/referrals/new",)),
    ("referral.triage", "referrals.triage", "Triage", ("/triage",)),
    ("referral.triage", "referrals.index", "Referrals", ("/referrals",)),
    ("case.view", "cases.queue", "Cases", ("/cases",)),
    ("marac.coordinate", "marac.meetings", "MARAC", ("/marac",)),
    ("report.view", "reports.index", "Reports", ("/reports",)),
    ("user.manage", "admin.users", "Users", ("/admin",)),
    ("webhook.manage", "admin.webhooks", "Webhooks", ("/admin/webhooks",)),
    ("jobs.view", "admin.sweeps", "Background work", ("/admin/background-work",)),
    ("audit.view", "audit.events", "Audit trail", ("/audit",)),
    ("audit.summary", "audit.summary", "Audit trail", ("/audit",)),
    ("data-rights.manage", "data_rights.index", "Data-rights requests", ("/data-rights",)),
    ("break-glass.review", "restricted.reviews", "Break-glass reviews", ("/break-glass",)),
    ("retention.manage", "retention.index", "Retention", ("/retention",)),
)


def _matching_length(path: str, prefixes: tuple[str, ...]) -> int:
    return max((len(p) for p in prefixes if path == p or path.startswith(p.rstrip("/") + "/")), default=0)


def may_search() -> bool:
    """Whether the search box belongs in the page header (caseworkers and advocates)."""
    if not current_user.is_authenticated:
        return False
    from . import current_actor

    return has_permission(current_actor().principal, "record.search")


def navigation_items():
    if not current_user.is_authenticated or getattr(session, "factor_state", None) in ("pending", "enrol"):
        return []  # a second factor is still owed: no page but that step is open
    from . import current_actor

    links = _navigation_links(current_actor().principal, current_user_coordinates_marac(), request.script_root)
    matches = [_matching_length(request.path, prefixes) for _, _, prefixes in links]
    best = max(matches, default=0)
    return [{"href": href, "text": text, "active": best > 0 and match == best}
            for (href, text, _), match in zip(links, matches)]


@lru_cache(maxsize=256)
def _navigation_links(principal, coordinates_marac: bool, script_root: str) -> tuple:
    """The items a role has, with their links: the same on every page it opens, so worked out once per role
    (only which one is current is decided per request). The script root is in the key because it is in the links."""
    links = []
    for permission, endpoint, text, prefixes in NAVIGATION:
        if permission == "marac.coordinate":
            if not coordinates_marac:
                continue
        elif permission and not has_permission(principal, permission):
            continue
        href = url_for_safe(endpoint)
        if href is not None:
            links.append((href, text, prefixes))
    return tuple(links)


def format_date(value, fmt="%-d %B %Y"):
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON)
    return value.strftime(fmt)


def format_datetime(value):
    if value is None:
        return ""
    return value.astimezone(LONDON).strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")


def url_for_safe(endpoint, **values):
    """A link to an area that may not be built in this version yet: None instead of an error."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


_PLACEHOLDER = 987654321987


def link_for(endpoint: str, name: str):
    """For a list's rows: a function giving `endpoint`'s URL for an integer `name` (e.g. each case's link), built
    with url_for once rather than once a row (url_for was a sixth of the queue's rendering)."""
    head, tail = url_for(endpoint, **{name: _PLACEHOLDER}).split(str(_PLACEHOLDER), 1)
    return lambda value: f"{head}{int(value)}{tail}"


def vocab_label(vocabulary_name: str, slug):
    from ..domain import vocab

    return label(getattr(vocab, vocabulary_name), slug) if slug else ""


def first_contact_badge(case) -> due.Badge | None:
    """Overdue or Due today for a case's first contact, decided by the domain on London's today."""
    return due.badge(due.first_contact_state(case.first_contact_due, case.first_contacted_at is not None,
                                             case.status, london_today()))


def task_badge(task) -> due.Badge | None:
    return due.badge(due.task_state(task.due_on, task.done_at is not None, london_today()))


def overdue_badge(due_on) -> due.Badge | None:
    """Overdue alone (the triage queue flags referrals whose earliest first contact is past due)."""
    state = due.due_state(due_on, london_today())
    return due.badge(state) if state is due.DueState.OVERDUE else None


def current_user_leads(service_id=None) -> bool:
    """The signed-in person is a service lead (of this service, when one is given): domain/access.py decides."""
    from . import current_actor

    principal = current_actor().principal
    if service_id is None:
        return access.is_service_lead(principal)
    return access.is_service_lead_for(principal, service_id)


def current_user_coordinates_marac() -> bool:
    """The signed-in person runs their service's MARAC meetings (domain/access.py decides)."""
    from ..services import marac
    from . import current_actor

    return marac.is_coordinator(current_actor())


def register(app):
    app.add_template_global(current_user_leads)
    app.add_template_global(current_user_coordinates_marac)
    app.add_template_global(first_contact_badge)
    app.add_template_global(task_badge)
    app.add_template_global(overdue_badge)
    app.add_template_global(url_for_safe)
    app.add_template_global(link_for)
    app.add_template_global(vocab_label)
    app.add_template_global(lambda slug: UNSAFE_CONTACT_RULES.get(slug, ""), "unsafe_rule_label")
    app.add_template_global(lambda: utc_now(), "now_utc")
    app.add_template_global(navigation_items)
    app.add_template_global(may_search)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(phone_for_display, "phone")  # stored E.164 -> "07700 900123"
    app.add_template_global(lambda slug: label(ROLES, slug), "role_label")
    app.add_template_global(lambda slug: label(SERVICES, slug), "service_label")
    app.add_template_global(lambda slug: ROUTE_LABELS.get(slug, "a routing rule"), "route_label")
