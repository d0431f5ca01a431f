"""`flask --app wsgi retention run [--as-of YYYY-MM-DD] [--dry-run]` (names fixed: the schedule and checks call
them). Neither asks for confirmation. Both end with the line ``people: N, records: M``."""
import sys
from datetime import date

import click
from flask.cli import AppGroup

from .domain.clock import london_today
from .domain.retention import CATEGORIES
from .services import retention
from .uow import rollback, unit_of_work

retention_cli = AppGroup("retention", help="The retention schedule: purge personal data past its date.")


def summary_lines(summary: retention.RunSummary) -> list[str]:
    """What a run or a dry run says: by category, the held people by reference, the failures, then the totals."""
    verb = "Would purge" if summary.dry_run else "Purged"
    lines = [f"{verb} the personal data of people past their retention date on {summary.as_of.isoformat()}:"]
    for slug, label in CATEGORIES:
        if summary.by_category[slug]:
            lines.append(f"  {label}: {summary.by_category[slug]} people, "
                         f"{summary.records_by_category[slug]} records")
    if summary.held:
        lines.append(f"On legal hold, skipped: {len(summary.held)} people ({', '.join(summary.held)})")
    if summary.failed:
        lines.append(f"Failed, left untouched: {summary.failed} people (see the log)")
    lines.append(f"people: {summary.people}, records: {summary.records}")
    return lines


@retention_cli.command("run")
@click.option("--as-of", "as_of", default=None, help="Purge as if today were this date (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Count what would go, and change nothing.")
def run_command(as_of, dry_run):
    """Purge the personal data of everyone past their retention date who is not on a legal hold."""
    try:
        day = date.fromisoformat(as_of) if as_of else london_today()
    except ValueError:
        click.echo(f"Error: --as-of must be a date as YYYY-MM-DD, not {as_of!r}", err=True)
        sys.exit(2)
    if dry_run:
        summary = retention.run(day, dry_run=True)
        rollback()  # a dry run changes nothing
    else:
        with unit_of_work():
            summary = retention.run(day, dry_run=False)
    for line in summary_lines(summary):
        click.echo(line)
    sys.exit(1 if summary.failed else 0)
