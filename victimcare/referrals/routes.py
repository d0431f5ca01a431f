"""The referrals area (HTML pages)."""
from flask import Blueprint

bp = Blueprint("referrals", __name__)
