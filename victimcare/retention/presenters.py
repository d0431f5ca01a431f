"""What the Retention pages show, already decided: labels for coded values, dates in words, table rows."""
from dataclasses import dataclass

from ..domain.erasure import DECISIONS, EXEMPTIONS, GROUNDS
from ..domain.retention import CATEGORY_LABELS
from ..domain.vocab import LEGAL_HOLD_REASONS, label
from ..models import LegalHold
from ..services.retention.report import RetentionReport
from ..web.template_helpers import format_date, format_datetime


def hold_row(row) -> dict:
    return {"id": row.id, "reference": row.reference, "reason": label(LEGAL_HOLD_REASONS, row.reason),
            "placed": format_date(row.placed_at), "placed_by": row.placed_by or "The system"}


@dataclass(frozen=True)
class HoldView:
    id: int
    reference: str
    lifted: bool
    rows: list[tuple[str, str]]


def hold_view(hold: LegalHold, reference: str) -> HoldView:
    rows = [
        ("Referral", reference),
        ("Reason", label(LEGAL_HOLD_REASONS, hold.reason)),
        ("Details", hold.detail or "None recorded"),
        ("Placed", f"{format_datetime(hold.placed_at)} by {hold.placed_by.name if hold.placed_by else 'the system'}"),
    ]
    if hold.lifted_at is not None:
        rows += [("Lifted", f"{format_datetime(hold.lifted_at)} by "
                            f"{hold.lifted_by.name if hold.lifted_by else 'the system'}"),
                 ("Why it was lifted", hold.lift_reason or "")]
    return HoldView(hold.id, reference, hold.lifted_at is not None, rows)


def report_view(report: RetentionReport) -> dict:
    """The table of people due by category (rows) and month (columns), with totals, and the overdue counts."""
    headers = [month.strftime("%b %Y") for month in report.months]
    rows = []
    for slug, text in report.categories:
        counts = [report.by_month[slug][month] for month in report.months]
        rows.append({"label": text, "overdue": report.overdue[slug], "counts": counts, "total": sum(counts)})
    totals = [report.total_in(month) for month in report.months]
    return {
        "today": format_date(report.today),
        "headers": headers,
        "rows": rows,
        "totals": totals,
        "overdue_total": sum(report.overdue.values()),
        "grand_total": sum(totals),
        "without_date": report.without_date,
        "held": [hold_row(row) for row in report.held],
        "category_labels": CATEGORY_LABELS,
    }


@dataclass(frozen=True)
class ErasureView:
    request_id: int
    reference: str | None
    open: bool
    held: bool
    rows: list[tuple[str, str]]  # the decision, once made


def erasure_view(request, decision, hold) -> ErasureView:
    rows = []
    if decision is not None:
        grounds = [dict(GROUNDS).get(g, g) for g in decision.grounds] or ["None"]
        exemptions = [dict(EXEMPTIONS).get(e, e) for e in decision.exemptions] or ["None"]
        rows = [("Decision", dict(DECISIONS).get(decision.decision, decision.decision).split(":")[0]),
                ("Grounds", "; ".join(grounds)), ("Exemptions", "; ".join(exemptions)),
                ("Reasons", decision.reasons),
                ("Decided", f"{format_datetime(decision.decided_at)} by "
                            f"{decision.decided_by.name if decision.decided_by else 'the system'}")]
        if decision.records is not None:
            rows.append(("Erased", f"{decision.records} records changed or deleted"))
    reference = request.referral.reference if request.referral is not None else None
    return ErasureView(request.id, reference, request.status == "open" and decision is None, hold is not None, rows)
