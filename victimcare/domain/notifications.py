"""The emails staff get, and which of them a person may turn off.

Essential ones (something urgent about a victim's safety, access to records, an account, a legal deadline) are
always sent; the rest can be turned off on the "Notifications" page. Other areas add a kind here with their
templates (break-glass, invitations and resets, subject access deadlines use the kinds already listed).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationKind:
    slug: str
    label: str
    description: str
    essential: bool


NOTIFICATION_KINDS: dict[str, NotificationKind] = {
    kind.slug: kind for kind in (
        NotificationKind("urgent-referral", "High-risk and child-safeguarding referrals",
                         "At once, when one arrives for your service.", True),
        NotificationKind("new-case", "New cases for my service",
                         "When a referral opens a case for your service (sent to its advocates, or to its leads "
                         "only, as the service chooses).", False),
        NotificationKind("daily-digest", "Daily digest",
                         "At 8am: first contacts due today and overdue, and tasks due. Leads also get the "
                         "service's summary.", False),
        NotificationKind("task-assigned", "Tasks assigned to me", "When someone else gives you a task.", False),
        NotificationKind("closure-approval", "Closures waiting for my approval",
                         "When an advocate asks you, as lead, to approve closing a case.", False),
        NotificationKind("break-glass", "Break-glass access on my service",
                         "When someone opens a restricted record of your service with break-glass.", True),
        NotificationKind("account", "My account",
                         "Invitations, password resets and warnings about sign-in attempts.", True),
        NotificationKind("subject-access-due", "Subject access requests due soon",
                         "Requests due within 5 working days (data protection officers).", True),
        NotificationKind("system-alert", "Problems with background work",
                         "A partner endpoint disabled after a day of failures, a scheduled sweep that failed "
                         "(administrators).", True),
    )
}


def may_opt_out(slug: str) -> bool:
    kind = NOTIFICATION_KINDS.get(slug)
    return kind is not None and not kind.essential


def is_urgent_case(*, priority: str | None, child_safeguarding: bool, dash_level: str | None) -> bool:
    """A case its service is told about at once: high priority (MARAC, child sexual abuse), child safeguarding, or
    a referral assessed as high risk."""
    return priority == "high" or bool(child_safeguarding) or dash_level == "high"
