"""Files built in the background: a progress page (refreshes itself without JavaScript; a live region tells
screen-reader users how far it has got), its status as JSON for the page's script, and the download."""
from flask import Blueprint, jsonify, render_template, send_file
from flask_login import login_required

from ..services import exports
from ..web import current_actor

bp = Blueprint("exports", __name__)


def _view(export) -> dict:
    total = max(export.progress_total or 0, 0)
    percent = 100 if export.status == "ready" else (int(100 * export.progress_done / total) if total else 0)
    if export.status == "queued":
        words = "Waiting to start"
    elif export.status == "running":
        words = f"{percent}% done" + (f": {export.progress_label}" if export.progress_label else "")
    elif export.status == "ready":
        words = "Ready to download"
    elif export.status == "expired" and export.downloaded_at and export.params.get("once"):
        words = "Downloaded, and deleted"
    elif export.status == "expired":
        words = "This file has expired"
    else:
        words = "The file could not be made"
    return {"status": export.status, "percent": percent, "words": words,
            "finished": export.status in ("ready", "failed", "expired")}


@bp.route("/exports/<int:export_id>", endpoint="show")
@login_required
def show(export_id):
    export = exports.get_export(current_actor(), export_id)
    return render_template("exports/show.html", export=export, view=_view(export))


@bp.route("/exports/<int:export_id>/status", endpoint="status")
@login_required
def status(export_id):
    return jsonify(_view(exports.get_export(current_actor(), export_id)))


@bp.route("/exports/<int:export_id>/download", endpoint="download")
@login_required
def download(export_id):
    export, path = exports.open_download(current_actor(), export_id)
    return send_file(path, mimetype=export.content_type.split(";")[0], as_attachment=True,
                     download_name=export.filename, max_age=0)
