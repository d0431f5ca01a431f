"""The case's Justice process page: a victim's withdrawal from the investigation or prosecution (attrition)."""
from ..services import attrition
from ..services import cases as case_service
from ..web import current_actor, permission_required
from .forms import WithdrawalForm
from .routes import _page, _save_case_form, _with_version, bp


@bp.route("/<int:case_id>/justice-process", methods=["GET", "POST"], endpoint="justice_process")
@permission_required("case.view")
def justice_process(case_id):
    actor = current_actor()
    case = case_service.get_case(actor, case_id)
    withdrawal = attrition.withdrawal_of(case)
    form = WithdrawalForm()
    if withdrawal is None and form.validate_on_submit():
        response = _save_case_form(
            case_id, form, lambda: attrition.record_withdrawal(
                actor, case_id, stage=form.stage.data, reasons=form.reasons.data or [],
                withdrawn_on=form.withdrawn_on.data, other_details=form.other_details.data,
                expected_version=form.version.data),
            endpoint="cases.justice_process", partial="cases/_form_withdrawal.html",
            done="Withdrawal from the justice process recorded.")
        if response:
            return response
    return _page("cases/justice_process.html", case, 400 if form.errors else 200, withdrawal=withdrawal,
                 form=None if withdrawal else _with_version(form, case))
