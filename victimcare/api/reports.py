"""API v1: reports."""
from . import bp  # noqa: F401
