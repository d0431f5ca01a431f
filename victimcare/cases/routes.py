"""The cases area (HTML pages)."""
from flask import Blueprint

bp = Blueprint("cases", __name__)
