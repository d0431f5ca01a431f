"""The reports area (HTML pages)."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
