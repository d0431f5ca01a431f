"""API v1: openapi."""
from . import bp  # noqa: F401
