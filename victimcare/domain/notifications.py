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
    roles: tuple[str, ...] = ()  # who can get it (empty: everyone); the Notifications page shows only these


NOTIFICATION_KINDS: dict[str, NotificationKind] = {
    kind.slug: kind for kind in (
        NotificationKind("urgent-referral", "High-risk and child safeguarding referrals",
                         "At once, when one arrives for your service.", True, ("advocate",)),
        NotificationKind("new-case", "New cases for my service",
                         "When a referral opens a case for your service (sent to its advocates, or to its leads "
                         "only, as the service chooses).", False, ("advocate",)),
        NotificationKind("daily-digest", "Daily digest",
                         "At 8am: first contacts due today and overdue, and tasks due. Leads also get the "
                         "service's summary.", False, ("advocate",)),
        NotificationKind("task-assigned", "Tasks assigned to me", "When someone else gives you a task.", False, ("advocate",)),
        NotificationKind("closure-approval", "Closures waiting for my approval",
                         "When an advocate asks you, as lead, to approve closing a case.", False,
                         ("advocate",)),
        NotificationKind("break-glass", "Break-glass access on my service",
                         "When someone opens a restricted record of your service with break-glass.", True,
                         ("advocate", "dpo")),
        NotificationKind("account", "My account",
                         "Invitations, password resets and warnings about sign-in attempts.", True),
        NotificationKind("subject-access-due", "Subject access requests due soon",
                         "Requests due within 5 working days.", True, ("dpo",)),
        NotificationKind("repeated-lockouts", "Accounts locked again and again",
                         "When one account has been locked several times in a day by wrong passwords or codes: "
                         "someone may be guessing (administrators).", True, ("admin",)),
        NotificationKind("system-alert", "Problems with background work",
                         "A partner endpoint disabled after a day of failures, or a scheduled sweep that failed "
                         "(administrators).", True, ("admin",)),
    )
}


def kinds_for(role: str | None) -> list[NotificationKind]:
    """The kinds of email a person in this role can get."""
    return [kind for kind in NOTIFICATION_KINDS.values() if not kind.roles or role in kind.roles]


def may_opt_out(slug: str) -> bool:
    kind = NOTIFICATION_KINDS.get(slug)
    return kind is not None and not kind.essential


def is_urgent_case(*, priority: str | None, child_safeguarding: bool, dash_level: str | None) -> bool:
    """A case its service is told about at once: high priority (MARAC, child sexual abuse), child safeguarding, or
    a referral assessed as high risk."""
    return priority == "high" or bool(child_safeguarding) or dash_level == "high"
