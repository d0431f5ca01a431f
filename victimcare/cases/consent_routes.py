"""The victim withdraws consent to referral and support: recorded from one of their cases."""
from flask import flash, redirect, url_for

from ..services import cases as case_service
from ..services import consent as consent_service
from ..services.errors import Conflict, ValidationFailed
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from .forms import ConsentWithdrawalForm
from .routes import _conflict, _page, _with_version, bp


@bp.route("/<int:case_id>/consent-withdrawal", methods=["GET", "POST"], endpoint="consent_withdrawal")
@permission_required("case.work")
def consent_withdrawal(case_id):
    actor = current_actor()
    case = case_service.get_case(actor, case_id)
    form = ConsentWithdrawalForm()
    if case.referral.consent_withdrawn_at is None and form.validate_on_submit():
        try:
            result = consent_service.withdraw_consent(actor, case_id, form.method.data,
                                                      expected_version=form.version.data)
        except case_service.StaleCase:
            return _conflict(case_id, form, "cases/_form_consent_withdrawal.html", form.version.data,
                             url_for("cases.consent_withdrawal", case_id=case_id))
        except ValidationFailed as error:
            apply_service_errors(form, error)
        except Conflict as error:
            flash(error.message, "error")
            return redirect(url_for("cases.show", case_id=case_id))
        else:
            flash(_done(result), "success")
            return redirect(url_for("cases.show", case_id=case_id))
    return _page("cases/consent_withdrawal.html", case, 400 if form.errors else 200,
                 form=_with_version(form, case), basis=consent_service.case_lawful_basis(case))


def _done(result) -> str:
    closed = len(result.closed)
    text = f"Withdrawal of consent recorded. {closed} open case{'s' if closed != 1 else ''} closed"
    if result.continuing:
        text += f"; {len(result.continuing)} held on a lawful basis continue{'s' if len(result.continuing) == 1 else ''}"
    return text + ". No further contact will be made on the closed cases."
