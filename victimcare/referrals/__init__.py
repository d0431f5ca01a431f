"""The referrals area (HTML pages): the caseworker's referral journey, routing overrides, triage, self-referral."""
from flask import Blueprint

bp = Blueprint("referrals", __name__)
