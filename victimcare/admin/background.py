"""Administration of background work: partner webhooks and their delivery logs, scheduled sweeps, failed jobs."""
from flask import flash, redirect, render_template, request, url_for

from ..services import job_status, webhooks
from ..services.errors import ValidationFailed
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from .forms import WebhookForm
from .routes import bp


@bp.route("/webhooks", endpoint="webhooks")
@permission_required("webhook.manage")
def webhooks_list():
    return render_template("admin/webhooks.html", endpoints=webhooks.list_endpoints(current_actor()),
                           labels=webhooks.EVENT_LABELS)


@bp.route("/webhooks/new", methods=["GET", "POST"], endpoint="new_webhook")
@permission_required("webhook.manage")
def new_webhook():
    form = WebhookForm()
    form.events.choices = [(event, f"{label} ({event})") for event, label in webhooks.EVENT_LABELS.items()]
    if form.validate_on_submit():
        generated = not (form.secret.data or "").strip()
        secret = webhooks.new_secret() if generated else form.secret.data
        try:
            endpoint = webhooks.add_endpoint(current_actor(), form.url.data, form.events.data, secret,
                                             form.description.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            if generated:  # shown once, on this page (never in a redirect or the session cookie)
                return render_template("admin/webhook_secret.html", endpoint=endpoint, secret=secret)
            flash(f"Endpoint added: {endpoint.url}", "success")
            return redirect(url_for("admin.webhook", endpoint_id=endpoint.id))
    return render_template("admin/new_webhook.html", form=form), 400 if form.errors else 200


@bp.route("/webhooks/<int:endpoint_id>", endpoint="webhook")
@permission_required("webhook.manage")
def webhook(endpoint_id):
    actor = current_actor()
    endpoint = webhooks.get_endpoint(actor, endpoint_id)
    page = webhooks.deliveries(actor, endpoint_id, request.args.get("page", 1, type=int))
    return render_template("admin/webhook.html", endpoint=endpoint, deliveries=page, labels=webhooks.EVENT_LABELS)


@bp.route("/webhooks/<int:endpoint_id>/active", methods=["POST"], endpoint="webhook_active")
@permission_required("webhook.manage")
def webhook_active(endpoint_id):
    active = request.form.get("active") == "true"
    endpoint = webhooks.set_active(current_actor(), endpoint_id, active)
    flash(f"Deliveries to {endpoint.url} are {'on again: waiting deliveries go now' if active else 'stopped'}.",
          "success")
    return redirect(url_for("admin.webhook", endpoint_id=endpoint_id))


@bp.route("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/retry", methods=["POST"],
          endpoint="webhook_retry")
@permission_required("webhook.manage")
def webhook_retry(endpoint_id, delivery_id):
    webhooks.retry_delivery(current_actor(), endpoint_id, delivery_id)
    flash("Delivery retried.", "success")
    return redirect(url_for("admin.webhook", endpoint_id=endpoint_id))


@bp.route("/background-work", endpoint="sweeps")
@permission_required("jobs.view")
def sweeps():
    actor = current_actor()
    statuses = job_status.sweep_statuses(actor)
    return render_template("admin/sweeps.html", sweeps=statuses, runs=job_status.recent_runs(actor),
                           queue=job_status.queue_summary(actor), job_labels=JOB_LABELS,
                           sweep_labels={s.name: s.label for s in statuses})


JOB_LABELS = {"staff-email": "Email to staff", "sweep": "Scheduled sweep", "webhook-delivery": "Partner webhook",
              "victim-message": "Message to a victim", "export": "Export file"}


@bp.route("/background-work/jobs/<int:job_id>/retry", methods=["POST"], endpoint="retry_job")
@permission_required("jobs.view")
def retry_job(job_id):
    job_status.retry_failed_job(current_actor(), job_id)
    flash("The job will be tried again now.", "success")
    return redirect(url_for("admin.sweeps"))
