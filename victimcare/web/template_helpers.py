"""Template globals and filters: formatting only, no decisions about data."""
from datetime import date, datetime

from flask import current_app, request, url_for
from flask_login import current_user

from ..domain.access import has_permission
from ..domain.clock import LONDON, utc_now
from ..domain.vocab import ROLES, SERVICES, label

# (permission needed, endpoint, text): the service navigation a role sees
NAVIGATION = (
    (None, "main.home", "Home"),
    ("referral.create", "referrals.new", "New referral"),
    ("referral.triage", "referrals.triage", "Triage"),
    ("case.view", "cases.queue", "Cases"),
    ("report.view", "reports.index", "Reports"),
    ("user.manage", "admin.users", "Users"),
    ("webhook.manage", "admin.webhooks", "Webhooks"),
    ("jobs.view", "admin.sweeps", "Background work"),
    ("audit.view", "audit.events", "Audit trail"),
    ("audit.summary", "audit.summary", "Audit trail"),
)


# Pages of a blueprint shared by several menu items, and the item each belongs to. A page of such a blueprint
# that is not listed belongs to the blueprint's first item.
NAV_SECTIONS = {
    "admin.new_webhook": "admin.webhooks", "admin.webhook": "admin.webhooks",
    "admin.webhook_active": "admin.webhooks", "admin.webhook_retry": "admin.webhooks",
    "admin.retry_job": "admin.sweeps",
}


def navigation_items():
    if not current_user.is_authenticated:
        return []
    from . import current_actor

    principal = current_actor().principal
    visible = [(endpoint, text) for permission, endpoint, text in NAVIGATION
               if not permission or has_permission(principal, permission)]
    current = request.endpoint or ""
    blueprint = current.split(".")[0]
    same_blueprint = [endpoint for endpoint, _ in visible if endpoint.split(".")[0] == blueprint]
    section = NAV_SECTIONS.get(current) or (current if current in same_blueprint else
                                            (same_blueprint[0] if same_blueprint else None))
    items = []
    for endpoint, text in visible:
        href = url_for_safe(endpoint)
        if href is None:
            continue
        active = endpoint == section and endpoint != "main.home" or current == endpoint
        items.append({"href": href, "text": text, "active": bool(active)})
    return items


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


def vocab_label(vocabulary_name: str, slug):
    from ..domain import vocab

    return label(getattr(vocab, vocabulary_name), slug) if slug else ""


def register(app):
    app.add_template_global(url_for_safe)
    app.add_template_global(vocab_label)
    app.add_template_global(lambda: utc_now(), "now_utc")
    app.add_template_global(navigation_items)
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_global(lambda slug: label(ROLES, slug), "role_label")
    app.add_template_global(lambda slug: label(SERVICES, slug), "service_label")
    app.add_template_global(date, "date_type")
