"""View-models for the administrators' account pages: an account's status in words, and its actions."""
from dataclasses import dataclass

from ..domain.clock import utc_now


@dataclass(frozen=True)
class AccountStatus:
    text: str
    tag_class: str


def account_status(user, waiting: bool = False) -> AccountStatus:
    """What the account can do now, as a tag: awaiting approval (new or reactivated, ``waiting``), deactivated, locked after failed sign-ins, invited (no password
    chosen yet), or active."""
    if waiting and not user.active:
        return AccountStatus("Awaiting approval", "govuk-tag--yellow")
    if not user.active:
        return AccountStatus("Deactivated", "govuk-tag--grey")
    if is_locked(user):
        return AccountStatus("Locked", "govuk-tag--orange")
    if not user.has_password:
        return AccountStatus("Invited", "govuk-tag--blue")
    return AccountStatus("Active", "govuk-tag--green")


def is_locked(user) -> bool:
    return bool(user.locked_until and user.locked_until > utc_now())
