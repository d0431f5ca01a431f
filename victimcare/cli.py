"""Flask commands: users, API tokens, demo data and the audit chain. Names are fixed; scripts rely on them."""
import json
import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .domain.vocab import ROLES, slugs
from .services import audit, users
from .services.actors import SYSTEM
from .services.errors import NotFound, ValidationFailed
from .uow import unit_of_work

user_cli = AppGroup("user", help="Manage staff accounts.")
token_cli = AppGroup("token", help="Manage API tokens.")
audit_cli = AppGroup("audit", help="Check the audit trail.")
webhook_cli = AppGroup("webhook", help="Manage partner webhook endpoints.")
jobs_cli = AppGroup("jobs", help="Background jobs and scheduled sweeps.")
sar_cli = AppGroup("sar", help="Subject access: copies of a person's records for the data protection officer.")
rollups_cli = AppGroup("rollups", help="The report roll-ups: compare them with a recount, or rebuild them.")


def _fail(message: str, code: int = 2):
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@user_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", required=True, help=f"One of: {', '.join(slugs(ROLES))}.")
@click.option("--service", "service_slug", default=None, help="Service slug (advocates only, required for them).")
@click.option("--lead", is_flag=True, help="Make an advocate a service lead.")
@click.option("--marac-coordinator", is_flag=True,
              help="Let an advocate of a service that refers to MARAC (domestic abuse) run its MARAC meetings.")
@click.option("--password", required=True, help="Initial password (at least 12 characters).")
@click.option("--totp-secret", default=None, help="Enrol an authenticator app (TOTP) with this base32 secret.")
def create_user_command(email, name, role, service_slug, lead, marac_coordinator, password, totp_secret):
    """Create a user who can sign in."""
    from .services import mfa

    try:
        with unit_of_work():
            user = users.create_user(SYSTEM, email, name, role, password, service_slug=service_slug, is_lead=lead,
                                     is_marac_coordinator=marac_coordinator)
            if totp_secret is not None:
                mfa.enrol_totp_secret(SYSTEM, user, totp_secret)
    except ValidationFailed as error:
        _fail("; ".join(item["message"] for item in error.errors))
    click.echo(f"Created {user.role} {user.email}" + (f" in {service_slug}" if service_slug else "")
               + (" with an authenticator app (TOTP)" if totp_secret else ""))


@user_cli.command("reset-second-factor")
@click.argument("email")
def reset_second_factor_command(email):
    """Remove a user's authenticator app, recovery codes and security keys, and end their sessions."""
    from sqlalchemy import select

    from .extensions import db
    from .models import User
    from .services import mfa

    with unit_of_work():
        user = db.session.scalar(select(User).where(User.email == users.normalise_email(email)))
        if user is None:
            _fail(f"No user with email {email!r}")
        mfa.reset_all(SYSTEM, user)
    click.echo(f"Removed every second factor of {user.email} and ended their sessions; they enrol again at sign-in.")


@token_cli.command("create")
@click.argument("email")
@click.option("--read-only", is_flag=True, help="The token may read but not change anything (writes get 403).")
def create_token_command(email, read_only):
    """Print a new API token for the user on the last line. It is shown once; only its hash is kept."""
    try:
        with unit_of_work():
            row, token = users.create_token(SYSTEM, email, read_only=read_only)
            expires = row.expires_at
    except NotFound as error:
        _fail(error.message)
    kind = "Read-only token" if read_only else "Token"
    click.echo(f"{kind} {row.prefix}… created for {email}. Store it now: it cannot be shown again.")
    click.echo(f"Expires {expires:%Y-%m-%d %H:%M} UTC ({current_app.config['API_TOKEN_DAYS']} days).")
    click.echo(token)


@token_cli.command("revoke")
@click.argument("email_or_token")
def revoke_token_command(email_or_token):
    """Revoke every token of a user (give an email), or one token (give the token or its first 10 characters)."""
    with unit_of_work():
        if "@" in email_or_token:
            count = users.revoke_tokens(SYSTEM, email=email_or_token)
        else:
            count = users.revoke_tokens(SYSTEM, prefix=email_or_token)
    if not count:
        _fail("no active token matched")
    click.echo(f"Revoked {count} token{'s' if count != 1 else ''}.")


@audit_cli.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A signed checkpoint file to check the chain against (give one or more).")
@click.option("--workers", type=click.IntRange(1, 32), default=lambda: min(4, os.cpu_count() or 1),
              show_default="the machine's cores, at most 4",
              help="Processes hashing the chain at once (PostgreSQL, 100,000 sealed events or more).")
@click.argument("more_checkpoints", nargs=-1, type=click.Path(exists=True, dir_okay=False))
def verify_command(checkpoints, workers, more_checkpoints):
    """Walk the hash chain; exit 0 when it is whole (and matches every checkpoint given), 1 otherwise.

    `audit verify --checkpoint FILE...` also checks each signed checkpoint: its signature, and that the chain
    still holds the hash it signed. On PostgreSQL a long chain is hashed by several processes at once, over one
    snapshot; anything amiss is walked again in order, so the first broken event is named as before."""
    from .services import audit_checkpoints, audit_parallel

    if more_checkpoints and not checkpoints:
        _fail("give checkpoint files after --checkpoint")
    with unit_of_work():
        result = audit.verify_chain(first_try=audit_parallel.in_parallel(workers) if workers > 1 else None)
        audit.store_verification(result)
        try:
            checks = [audit_checkpoints.check_checkpoint(path) for path in (*checkpoints, *more_checkpoints)]
        except audit_checkpoints.CheckpointError as error:
            _fail(str(error))
    click.echo(result.message)
    for check in checks:
        click.echo(("ok: " if check.ok else "FAILED: ") + check.message)
    sys.exit(0 if result.ok and all(check.ok for check in checks) else 1)


@audit_cli.command("seal")
def seal_command():
    """Seal audit events still waiting into the hash chain (normally done straight after each commit)."""
    with unit_of_work():
        sealed = audit.seal_in_transaction()
    click.echo(f"Sealed {sealed} event{'s' if sealed != 1 else ''}.")


@audit_cli.command("checkpoint")
@click.option("--dir", "directory", type=click.Path(file_okay=False),
              help="Where to write the file (default AUDIT_CHECKPOINT_DIR).")
def checkpoint_command(directory):
    """Verify the chain, sign its last event (AUDIT_SIGNING_KEY_FILE), write the checkpoint to a file and print it.

    Ship the file to a store the database's users cannot write (docs/database-roles.md)."""
    from .services import audit_checkpoints

    with unit_of_work():
        try:
            checkpoint = audit_checkpoints.make_checkpoint()
        except audit_checkpoints.CheckpointError as error:
            _fail(str(error))
    path = audit_checkpoints.write_checkpoint(checkpoint, directory)
    click.echo(json.dumps(checkpoint, indent=2))
    click.echo(f"Written to {path}", err=True)


@click.command("seed-demo")
@click.option("--referrals", default=300, show_default=True, help="How many fictional referrals to create (four self-referrals waiting at triage come on top).")
def seed_demo_command(referrals):
    """Load fictional demo data: one user per role, an advocate per service, and referrals. Runs once."""
    if not current_app.config.get("SEED_DEMO_ALLOWED"):
        _fail("seed-demo refuses to run in the production configuration")
    from .demo import seed_demo

    created = seed_demo(referral_count=referrals)
    if created is None:
        click.echo("Demo data is already loaded; nothing to do.")
        return
    click.echo(f"Loaded {created['referrals']} fictional referrals and {created['cases']} cases.")
    click.echo("Demo sign-ins (fictional accounts; password for all: %s):" % created["password"])
    for email, description in created["users"]:
        click.echo(f"  {email:<48} {description}")


@webhook_cli.command("add")
@click.option("--url", required=True, help="The partner's endpoint (https:// in production).")
@click.option("--events", required=True, help="Comma-separated events, e.g. referral.received,case.accepted.")
@click.option("--secret-file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="A file holding the agreed signing secret: whsec_ followed by base64.")
@click.option("--description", default=None, help="Who the partner is, for the admin pages.")
def webhook_add_command(url, events, secret_file, description):
    """Register a partner endpoint for the given events."""
    from pathlib import Path

    from .services import webhooks

    secret = Path(secret_file).read_text().strip()
    try:
        with unit_of_work():
            endpoint = webhooks.add_endpoint(SYSTEM, url, events.split(","), secret, description)
    except ValidationFailed as error:
        _fail("; ".join(item["message"] for item in error.errors))
    click.echo(f"Added webhook endpoint {endpoint.id}: {endpoint.url} ({', '.join(endpoint.events)})")


@webhook_cli.command("list")
def webhook_list_command():
    """List endpoints: id, state, URL and events."""
    from .services import webhooks

    with unit_of_work():
        endpoints = webhooks.list_endpoints(SYSTEM)
        rows = [(e.id, "active" if e.active else "disabled", e.url, ",".join(e.events)) for e in endpoints]
    if not rows:
        click.echo("No webhook endpoints.")
    for endpoint_id, state, url, events in rows:
        click.echo(f"{endpoint_id}\t{state}\t{url}\t{events}")


@webhook_cli.command("disable")
@click.argument("endpoint_id", type=int)
def webhook_disable_command(endpoint_id):
    """Stop sending to an endpoint (its deliveries wait until it is enabled again)."""
    _set_webhook_active(endpoint_id, False)


@webhook_cli.command("enable")
@click.argument("endpoint_id", type=int)
def webhook_enable_command(endpoint_id):
    """Send to an endpoint again; deliveries that waited go at once, in order."""
    _set_webhook_active(endpoint_id, True)


def _set_webhook_active(endpoint_id, active):
    from .services import webhooks

    try:
        with unit_of_work():
            endpoint = webhooks.set_active(SYSTEM, endpoint_id, active, reason="Disabled from the command line")
            url = endpoint.url
    except NotFound as error:
        _fail(error.message, 1)
    click.echo(f"Webhook endpoint {endpoint_id} ({url}) is now {'active' if active else 'disabled'}.")


@jobs_cli.command("new-case-emails")
@click.argument("service_slug")
@click.argument("recipients", type=click.Choice(["advocates", "leads"]))
def new_case_emails_command(service_slug, recipients):
    """Choose who hears of a service's new cases by email: all its advocates, or its leads only."""
    from .services import notifications

    try:
        with unit_of_work():
            notifications.set_new_case_recipients(SYSTEM, service_slug, recipients)
    except NotFound as error:
        _fail(error.message, 1)
    click.echo(f"New cases for {service_slug} are emailed to its {recipients}.")


@jobs_cli.command("run")
def jobs_run_command():
    """Run every due background job now, in this process (without a broker, or to drain a backlog)."""
    from .jobs import runner, schedule

    with unit_of_work():
        schedule.fire_due()
    ran = runner.run_due()
    click.echo(f"Ran {ran} job{'s' if ran != 1 else ''}.")


@jobs_cli.command("sweep")
@click.argument("name")
def jobs_sweep_command(name):
    """Run one scheduled sweep now (recorded like a scheduled run); exit 1 if it fails."""
    from .jobs import runner
    from .jobs.sweeps import SWEEPS
    from .services import outbox

    if name not in SWEEPS:
        _fail(f"unknown sweep {name!r}: one of {', '.join(SWEEPS)}", 1)
    dispatcher = current_app.extensions.get("victimcare.jobs")
    current_app.extensions["victimcare.jobs"] = None  # run it here, now, whatever the configuration
    try:
        with unit_of_work():
            job_id = outbox.enqueue("sweep", {"sweep": name}).id
    finally:
        current_app.extensions["victimcare.jobs"] = dispatcher
    outcome = runner.run_job(job_id)
    click.echo(f"Sweep {name}: {outcome}")
    sys.exit(0 if outcome == "done" else 1)


@sar_cli.command("export")
@click.option("--reference", required=True, help="Any referral reference of the person, e.g. VC-2026-000123.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The zip file to write (records.html and records.json).")
def sar_export_command(reference, out):
    """Write the unredacted review copy of everything held about the person behind a referral reference, with the
    items that may identify someone else marked for review. Exit 1 (and no file) for an unknown reference."""
    import os
    from pathlib import Path

    from .services import subject_access

    try:
        with unit_of_work():
            data = subject_access.review_copy_for_reference(SYSTEM, reference)
    except NotFound:
        click.echo(f"No referral has the reference {reference.strip()!r}.", err=True)
        sys.exit(1)
    target = Path(out)
    partial = target.with_name(f".{target.name}.partial")
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        handle.write(data)
    partial.replace(target)
    click.echo(f"Wrote the review copy to {target} ({len(data)} bytes). It is not for release: redact it in the app.")


@rollups_cli.command("check")
def rollups_check_command():
    """Compare the roll-ups with a recount from the cases; exit 1 and list the differences on any."""
    from .extensions import db
    from .services import rollups

    if db.engine.dialect.name == "postgresql":  # the roll-ups and the cases read in one snapshot
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    differences = rollups.check()
    db.session.rollback()
    for difference in differences:
        click.echo(difference.describe())
    if differences:
        click.echo(f"Roll-ups differ from a recount in {len(differences)} row(s): "
                   "run flask --app wsgi rollups rebuild", err=True)
        sys.exit(1)
    click.echo("Roll-ups match a recount of the cases.")


@rollups_cli.command("rebuild")
def rollups_rebuild_command():
    """Replace the roll-ups with a recount from the cases (after loading cases with SQL, say)."""
    from .services import rollups

    with unit_of_work():
        rows = rollups.rebuild()
    click.echo(f"Roll-ups rebuilt: {rows} row(s).")


def register(app):
    from .bulk_import import referrals_cli
    from .retention_cli import retention_cli

    app.cli.add_command(retention_cli)

    app.cli.add_command(referrals_cli)
    app.cli.add_command(webhook_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(rollups_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(token_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(sar_cli)
    app.cli.add_command(seed_demo_command)
