"""API v1: referrals."""
from . import bp  # noqa: F401
