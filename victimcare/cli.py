"""Flask commands: users, API tokens, demo data and the audit chain. Names are fixed; scripts rely on them."""
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


def _fail(message: str, code: int = 2):
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@user_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", required=True, help=f"One of: {', '.join(slugs(ROLES))}.")
@click.option("--service", "service_slug", default=None, help="Service slug (advocates only, required for them).")
@click.option("--lead", is_flag=True, help="Make an advocate a service lead.")
@click.option("--password", required=True, help="Initial password (at least 12 characters).")
def create_user_command(email, name, role, service_slug, lead, password):
    """Create a user who can sign in."""
    try:
        with unit_of_work():
            user = users.create_user(SYSTEM, email, name, role, password, service_slug=service_slug, is_lead=lead)
    except ValidationFailed as error:
        _fail("; ".join(item["message"] for item in error.errors))
    click.echo(f"Created {user.role} {user.email}" + (f" in {service_slug}" if service_slug else ""))


@token_cli.command("create")
@click.argument("email")
def create_token_command(email):
    """Print a new API token for the user on the last line. It is shown once; only its hash is kept."""
    try:
        with unit_of_work():
            row, token = users.create_token(SYSTEM, email)
    except NotFound as error:
        _fail(error.message)
    click.echo(f"Token {row.prefix}… created for {email}. Store it now: it cannot be shown again.")
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
def verify_command():
    """Walk the hash chain; exit 0 when it is whole, 1 and the first broken event otherwise."""
    with unit_of_work():
        result = audit.verify_chain()
        audit.store_verification(result)
    click.echo(result.message)
    sys.exit(0 if result.ok else 1)


@click.command("seed-demo")
@click.option("--referrals", default=300, show_default=True, help="How many fictional referrals to create.")
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


def register(app):
    app.cli.add_command(user_cli)
    app.cli.add_command(token_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(seed_demo_command)
