"""Messages to victims: GOV.UK Notify's delivery-status callback (the case's Messages page joins it here)."""
import hmac

from flask import Blueprint, current_app, jsonify, request

from .. import uow
from ..extensions import csrf
from ..services import messages

bp = Blueprint("messages", __name__)


@bp.route("/notify/status", methods=["POST"], endpoint="notify_status")
@csrf.exempt
def notify_status():
    """Notify posts each status change with the bearer token set in its callback settings."""
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN")
    given = request.headers.get("Authorization", "")
    if not expected or not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return jsonify({"error": "not authorised"}), 401
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("id"), str) or not isinstance(body.get("status"), str):
        return jsonify({"error": "expected a JSON object with id and status"}), 400
    if not messages.record_status(body["id"][:64], body["status"][:40]):
        uow.rollback()
        return jsonify({"error": "no such message"}), 404
    return "", 204
