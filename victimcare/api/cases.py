"""API v1: cases."""
from . import bp  # noqa: F401
