"""Referral pages: the caseworker's question pages, the referral and its routing, triage, and self-referral.

The journey's answers live in a server-side draft (see drafts.py) between pages; nothing is written to the
database until the caseworker submits on the check-your-answers page.
"""
import secrets
from datetime import date

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..domain.access import may_change_routing
from ..domain.clock import utc_now
from ..domain.dash import assess_dash, count_yes, dash_questions_of
from ..domain.deadlines import first_contact_due
from ..extensions import limiter
from ..services import people, risk
from ..services import reference as reference_data
from ..services import referrals as referral_service
from ..services.retention import schedule as retention
from ..services.actors import PUBLIC
from ..services.errors import Conflict, ValidationFailed
from ..web import current_actor, permission_required
from ..web.forms import apply_service_errors
from . import bp, drafts, summary
from .forms import (
    AboutVictimForm,
    AddRouteForm,
    ChoosePersonForm,
    ConsentForm,
    FindPersonForm,
    HouseholdForm,
    NotProceedingForm,
    OffenceForm,
    RemoveRouteForm,
    SelfReferralForm,
    SomeoneElseReferralForm,
    SubmitReferralForm,
    TriageForm,
    YoungPersonReferralForm,
    dash_form_class,
    flags_without_repeats,
)

# The journey's pages in order: (draft key, endpoint). The DASH page only applies to domestic abuse.
STEPS = (
    ("person", "referrals.find_person"),
    ("offence", "referrals.offence"),
    ("dash", "referrals.dash"),
    ("household", "referrals.household"),
    ("about", "referrals.about"),
    ("consent", "referrals.consent"),
)


def dash_questions():
    return dash_questions_of(current_app.config.get("DASH_QUESTIONS_FILE"))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _load() -> dict:
    return drafts.load(current_user.id)


def _save(draft: dict) -> None:
    drafts.save(current_user.id, draft)


def _steps_for(draft: dict) -> list[tuple[str, str]]:
    """The pages this referral's answers call for: DASH for domestic abuse; the people around them for domestic
    abuse or a child victim."""
    skip = set()
    if not summary.is_domestic_abuse(draft):
        skip.add("dash")
    if not summary.asks_household(draft):
        skip.add("household")
    return [step for step in STEPS if step[0] not in skip]


def _first_incomplete(draft: dict) -> str:
    for key, endpoint in _steps_for(draft):
        if key not in draft:
            return endpoint
    return "referrals.check"


def _guard(draft: dict, key: str):
    """Redirect to the first unanswered page before ``key``, if any (someone followed a stale link)."""
    for step_key, endpoint in _steps_for(draft):
        if step_key == key:
            return None
        if step_key not in draft:
            return redirect(url_for(endpoint))
    return None


def _next(draft: dict, key: str):
    """Where to go after answering a page: back to the check page when changing an answer, else the next page."""
    if request.args.get("change"):
        return redirect(url_for(_first_incomplete(draft)))
    steps = _steps_for(draft)
    index = [k for k, _ in steps].index(key)
    return redirect(url_for(steps[index + 1][1] if index + 1 < len(steps) else "referrals.check"))


def _back(draft: dict, key: str) -> str:
    if request.args.get("change"):
        return url_for("referrals.check")
    steps = _steps_for(draft)
    keys = [k for k, _ in steps]
    index = keys.index(key)
    return url_for(steps[index - 1][1]) if index else url_for("referrals.new")


def _render_step(template: str, form, draft: dict, key: str, **context):
    status = 400 if form.errors else 200
    return render_template(template, form=form, back=_back(draft, key), change=bool(request.args.get("change")),
                           **context), status


# --- Start ----------------------------------------------------------------------------------------------------


@bp.route("/referrals")
@permission_required("referral.triage")
def index():
    """Referrals, newest first: everyone's or those I logged, over the last 30 days or all time."""
    mine = request.args.get("logged") == "me"
    days = None if request.args.get("period") == "all" else 30
    page = referral_service.list_referrals(current_actor(), logged_by_me=mine, days=days,
                                           page=request.args.get("page", 1, type=int))
    return render_template("referrals/index.html", page=page, mine=mine, days=days,
                           link_args={k: v for k, v in request.args.items() if k != "page"})


@bp.route("/referrals/new", methods=["GET", "POST"])
@permission_required("referral.create")
def new():
    if request.method == "POST":  # "Start again": throw the draft away
        drafts.discard()
        return redirect(url_for("referrals.find_person"))
    draft = _load()
    return render_template("referrals/start.html", draft=draft,
                           resume=url_for(_first_incomplete(draft)) if draft else None)


# --- 1. The person --------------------------------------------------------------------------------------------


@bp.route("/referrals/new/person", methods=["GET", "POST"])
@permission_required("referral.create")
def find_person():
    draft = _load()
    search = draft.get("search") or {}
    form = FindPersonForm(data={"given_name": search.get("given_name"), "family_name": search.get("family_name"),
                                "date_of_birth": _parse(search.get("date_of_birth")),
                                "postcode": search.get("postcode")} if request.method == "GET" else None)
    if form.validate_on_submit():
        draft["search"] = {
            "given_name": form.given_name.data, "family_name": form.family_name.data,
            "date_of_birth": _iso(form.date_of_birth.data), "postcode": people.normalise_postcode(form.postcode.data),
        }
        draft.pop("person", None)
        _save(draft)
        return redirect(url_for("referrals.matches", change=request.args.get("change") or None))
    return render_template("referrals/person.html", form=form, back=url_for("referrals.new")), 400 if form.errors else 200


@bp.route("/referrals/new/person/matches", methods=["GET", "POST"])
@permission_required("referral.create")
def matches():
    draft = _load()
    search = draft.get("search")
    if not search:
        return redirect(url_for("referrals.find_person"))
    form = ChoosePersonForm()
    if request.method == "GET" or "match_rows" not in draft:
        found = people.search_people(current_actor(), search["given_name"], search["family_name"],
                                     _parse(search.get("date_of_birth")), search.get("postcode"))
        draft["match_rows"] = [summary.match_row(m) for m in found]
        _save(draft)
    rows = draft["match_rows"]
    form.person.choices = [(str(r["id"]), r["label"]) for r in rows] + [("new", "new")]
    if form.validate_on_submit():
        if form.person.data == "new":
            draft["person"] = {"mode": "new", **search}
        else:
            row = next(r for r in rows if str(r["id"]) == form.person.data)
            draft["person"] = {"mode": "existing", "person_id": int(form.person.data), "label": row["label"],
                               "date_of_birth": row.get("date_of_birth")}
        draft.pop("match_rows", None)
        summary.drop_answers_that_no_longer_apply(draft)
        _save(draft)
        return _next(draft, "person")
    return render_template("referrals/matches.html", form=form, rows=rows, search=search,
                           back=url_for("referrals.find_person")), 400 if form.errors else 200


# --- 2. The offence -------------------------------------------------------------------------------------------


@bp.route("/referrals/new/offence", methods=["GET", "POST"])
@permission_required("referral.create")
def offence():
    draft = _load()
    if (stop := _guard(draft, "offence")) is not None:
        return stop
    saved = draft.get("offence") or {}
    form = OffenceForm(data={**saved, "offence_date": _parse(saved.get("offence_date"))}
                       if request.method == "GET" and saved else None)
    form.offence_borough.choices = [("", "Choose an area")] + reference_data.london_areas()
    form.victim_born = summary.victim_date_of_birth(draft)
    if form.validate_on_submit():
        draft["offence"] = {
            "offence_category": form.offence_category.data, "offence_date": _iso(form.offence_date.data),
            "offence_borough": form.offence_borough.data, "crime_reference": (form.crime_reference.data or "").upper() or None,
            "flags": flags_without_repeats(form.offence_category.data, form.flags.data),
            "hate_strands": list(form.hate_strands.data or []),
            "description": (form.description.data or "").strip() or None,
        }
        summary.drop_answers_that_no_longer_apply(draft)
        _save(draft)
        return _next(draft, "offence")
    return _render_step("referrals/offence.html", form, draft, "offence")


# --- 3. Domestic abuse: DASH ----------------------------------------------------------------------------------


def _dash_result(values: dict):
    """The DASH score, level and MARAC decision for a page's (or the draft's) answers."""
    return assess_dash(
        count_yes(values["answers"]), professional_judgement=values["professional_judgement"] == "yes",
        professional_judgement_reason=values.get("professional_judgement_reason"),
        incidents_last_12_months=values.get("incidents_last_12_months"),
        thresholds=risk.dash_thresholds(),
    )


def _dash_values(form, questions) -> dict:
    """A DASH page's answers, as the draft keeps them."""
    return {
        "answers": {q.id: form[f"dash_{q.id}"].data for q in questions},
        "professional_judgement": form.professional_judgement.data,
        "professional_judgement_reason": (form.professional_judgement_reason.data or "").strip() or None
        if form.professional_judgement.data == "yes" else None,
        "incidents_last_12_months": form.incidents_last_12_months.data,
    }


@bp.route("/referrals/new/domestic-abuse", methods=["GET", "POST"])
@permission_required("referral.create")
def dash():
    draft = _load()
    if not summary.is_domestic_abuse(draft):
        return redirect(url_for(_first_incomplete(draft)))
    if (stop := _guard(draft, "dash")) is not None:
        return stop
    questions = dash_questions()
    form_class = dash_form_class(questions)
    saved = draft.get("dash")
    data = None
    if request.method == "GET" and saved:
        data = {f"dash_{qid}": answer for qid, answer in saved["answers"].items()}
        data.update(professional_judgement=saved["professional_judgement"],
                    professional_judgement_reason=saved.get("professional_judgement_reason"),
                    incidents_last_12_months=saved.get("incidents_last_12_months"))
    form = form_class(data=data)
    result = None
    if form.validate_on_submit():
        values = _dash_values(form, questions)
        result = _dash_result(values)
        if not form.score.data:
            draft["dash"] = values
            _save(draft)
            return _next(draft, "dash")
    questions_fields = [form[f"dash_{q.id}"] for q in questions]
    return _render_step("referrals/dash.html", form, draft, "dash", questions=questions_fields, result=result)


# --- 4. The people around them -----------------------------------------------------------------------------------


@bp.route("/referrals/new/people-around-them", methods=["GET", "POST"])
@permission_required("referral.create")
def household():
    draft = _load()
    if not summary.asks_household(draft):
        return redirect(url_for(_first_incomplete(draft)))
    if (stop := _guard(draft, "household")) is not None:
        return stop
    saved = draft.get("household")
    form = HouseholdForm(data=summary.household_form_data(saved) if request.method == "GET" and saved else None)
    form.keep_only(perpetrator=summary.is_domestic_abuse(draft), parent_carer=summary.is_child_victim(draft))
    if form.validate_on_submit():
        draft["household"] = summary.household_answers(form)
        _save(draft)
        return _next(draft, "household")
    return _render_step("referrals/household.html", form, draft, "household")


# --- 5. About the victim --------------------------------------------------------------------------------------


@bp.route("/referrals/new/about-the-victim", methods=["GET", "POST"])
@permission_required("referral.create")
def about():
    draft = _load()
    if (stop := _guard(draft, "about")) is not None:
        return stop
    saved = draft.get("about")
    form = AboutVictimForm(data=saved if request.method == "GET" and saved else None)
    if not summary.asks_identity_questions(draft):
        for name in AboutVictimForm.IDENTITY_FIELDS:
            del form[name]
    if form.validate_on_submit():
        draft["about"] = {name: (form[name].data or None) for name in summary.ABOUT_FIELDS if name in form}
        _save(draft)
        return _next(draft, "about")
    return _render_step("referrals/about.html", form, draft, "about")


# --- 6. Consent and safe contact ------------------------------------------------------------------------------


@bp.route("/referrals/new/consent", methods=["GET", "POST"])
@permission_required("referral.create")
def consent():
    draft = _load()
    if (stop := _guard(draft, "consent")) is not None:
        return stop
    saved = draft.get("consent")
    form = ConsentForm(data=saved if request.method == "GET" and saved else None)
    if form.validate_on_submit():
        agreed = form.consent_referral.data == "yes"
        draft["consent"] = {
            "consent_referral": form.consent_referral.data,
            "consent_given_by": form.consent_given_by.data if agreed else None,
            "consent_method": form.consent_method.data if agreed else None,
            "lawful_basis": None if agreed else (form.lawful_basis.data or None),
            "rj_requested": form.rj_requested.data,
            "rj_consent": form.rj_consent.data if form.rj_requested.data == "yes" else "no",
            "phone": form.phone.data, "email": form.email.data,
            "contact_permissions": list(form.contact_permissions.data or []),
            "address": (form.address.data or "").strip() or None
            if "may-write" in (form.contact_permissions.data or []) else None,
            "preferred_contact_times": list(form.preferred_contact_times.data or []),
            "safe_contact_notes": (form.safe_contact_notes.data or "").strip() or None,
            "interpreter_needed": form.interpreter_needed.data,
            "first_language": form.first_language.data if form.interpreter_needed.data == "yes" else None,
        }
        _save(draft)
        return _next(draft, "consent")
    return _render_step("referrals/consent.html", form, draft, "consent")


# --- 6. Check answers and submit ------------------------------------------------------------------------------


@bp.route("/referrals/new/check", methods=["GET", "POST"])
@permission_required("referral.create")
def check():
    draft = _load()
    if _first_incomplete(draft) != "referrals.check":
        return redirect(url_for(_first_incomplete(draft)))
    form = SubmitReferralForm()
    if form.validate_on_submit():
        try:
            referral = referral_service.create_referral(current_actor(), summary.referral_input(draft))
        except ValidationFailed as error:
            apply_service_errors(form, error)
        else:
            drafts.discard()
            return redirect(url_for("referrals.confirmation", reference=referral.reference))
    questions = dash_questions()
    dash_result = _dash_result(draft["dash"]) if "dash" in draft else None
    sections = summary.check_sections(draft, questions, dict(reference_data.london_areas()), dash_result)
    return render_template("referrals/check.html", form=form, sections=sections, dash_result=dash_result,
                           back=url_for(_steps_for(draft)[-1][1])), 400 if form.errors else 200


@bp.route("/referrals/<reference>/confirmation")
@permission_required("referral.create")
def confirmation(reference):
    details = referral_service.get_referral_details(current_actor(), reference)
    return render_template("referrals/confirmation.html", details=details, referral=details.referral)


# --- The referral and its routing -------------------------------------------------------------------------------


def _show(reference, add_form=None, remove_form=None, status=200):
    actor = current_actor()
    details = referral_service.get_referral_details(actor, reference)
    can_change = may_change_routing(actor.principal)
    add_form = add_form or AddRouteForm(formdata=None, prefix="add")
    remove_form = remove_form or RemoveRouteForm(formdata=None, prefix="remove")
    active_ids = {r.decision.service_id for r in details.active_routes}
    active_slugs = {r.decision.service.slug for r in details.active_routes}
    add_form.service.choices = [("", "Choose a service")] + [
        (slug, name) for slug, name in reference_data.active_services() if slug not in active_slugs]
    remove_form.service.choices = [("", "Choose a service")] + [
        (r.decision.service.slug, r.decision.service.name) for r in details.active_routes]
    form = add_form if add_form.errors else (remove_form if remove_form.errors else None)
    kept = retention.describe(details.referral.person_id)
    return render_template("referrals/show.html", details=details, referral=details.referral, can_change=can_change,
                           add_form=add_form, remove_form=remove_form, form=form, active_ids=active_ids,
                           retention_line=kept), status


@bp.route("/referrals/<reference>")
@permission_required("referral.view")
def show(reference):
    return _show(reference)


def _route_change(reference, form, change):
    form.service.choices = [("", "")] + reference_data.active_services()
    if form.validate_on_submit():
        try:
            change(current_actor(), reference, form.service.data, form.reason.data, form.reason_code.data)
        except ValidationFailed as error:
            apply_service_errors(form, error)
        except Conflict as error:
            form.service.errors = list(form.service.errors) + [error.message]
        else:
            return redirect(url_for("referrals.show", reference=reference))
    return None


@bp.route("/referrals/<reference>/routes/add", methods=["POST"])
@permission_required("referral.triage")
def add_route(reference):
    form = AddRouteForm(prefix="add")
    done = _route_change(reference, form, referral_service.add_route)
    return done or _show(reference, add_form=form, status=400)


@bp.route("/referrals/<reference>/routes/remove", methods=["POST"])
@permission_required("referral.triage")
def remove_route(reference):
    form = RemoveRouteForm(prefix="remove")
    done = _route_change(reference, form, referral_service.remove_route)
    return done or _show(reference, remove_form=form, status=400)


# --- Triage -------------------------------------------------------------------------------------------------------


@bp.route("/triage")
@permission_required("referral.triage")
def triage():
    page = referral_service.triage_list(current_actor(), request.args.get("page", 1, type=int))
    return render_template("referrals/triage.html", page=page)


@bp.route("/triage/<reference>", methods=["GET", "POST"])
@permission_required("referral.triage")
def triage_review(reference):
    actor = current_actor()
    details = referral_service.get_referral_details(actor, reference)
    referral = details.referral
    if referral.status != "triage":
        return redirect(url_for("referrals.show", reference=reference))
    form = TriageForm(data=summary.triage_defaults(referral) if request.method == "GET" else None)
    form.offence_borough.choices = [("", "Not known")] + reference_data.london_areas()
    if form.validate_on_submit():
        try:
            confirmed = referral_service.confirm_triage(actor, reference, summary.triage_completion(form))
        except ValidationFailed as error:
            apply_service_errors(form, error)
        except Conflict as error:
            form.consent_referral.errors = list(form.consent_referral.errors) + [error.message]
        else:
            flash(summary.triage_confirmed_message(confirmed), "success")
            return redirect(url_for("referrals.show", reference=reference))
    return _triage_page(details, form, NotProceedingForm(formdata=None), 400 if form.errors else 200)


@bp.route("/triage/<reference>/domestic-abuse-risk", methods=["GET", "POST"])
@permission_required("referral.triage")
def triage_dash(reference):
    """Record or change a triage referral's DASH answers (a self-referral or API referral may have none)."""
    actor = current_actor()
    details = referral_service.get_referral_details(actor, reference)
    if details.referral.status != "triage":
        return redirect(url_for("referrals.show", reference=reference))
    questions = dash_questions()
    saved = details.risk
    data = None
    if request.method == "GET" and saved is not None and saved.answers:
        data = {f"dash_{qid}": answer for qid, answer in saved.answers.items()}
        data.update(professional_judgement="yes" if saved.professional_judgement else "no",
                    professional_judgement_reason=saved.professional_judgement_reason,
                    incidents_last_12_months=saved.incidents_last_12_months)
    form = dash_form_class(questions)(data=data)
    result = None
    if form.validate_on_submit():
        values = _dash_values(form, questions)
        result = _dash_result(values)
        if not form.score.data:
            try:
                referral_service.record_dash_at_triage(actor, reference, summary.dash_answers(values))
            except ValidationFailed as error:
                apply_service_errors(form, error)
            else:
                flash(f"DASH answers recorded: {result.level} risk ({result.yes_count} of {len(questions)} yes).",
                      "success")
                return redirect(url_for("referrals.triage_review", reference=reference))
    return render_template("referrals/triage_dash.html", form=form, referral=details.referral, result=result,
                           questions=[form[f"dash_{q.id}"] for q in questions],
                           back=url_for("referrals.triage_review", reference=reference),
                           submit_text="Save DASH answers"), 400 if form.errors else 200


def _triage_page(details, form, closing_form, status):
    return render_template("referrals/triage_review.html", form=form, details=details, referral=details.referral,
                           closing_form=closing_form, may_close=not details.cases,
                           duplicates=_possible_duplicates(details.referral)), status


def _possible_duplicates(referral) -> list:
    """People already on record who may be this referral's victim, with their referrals: the duplicate check a
    caseworker runs at triage (a likely match is the same date of birth and a similar name)."""
    person = referral.person
    if person is None or not (person.family_name or "").strip():
        return []
    matches = [m for m in people.search_people(current_actor(), person.given_name, person.family_name,
                                               person.date_of_birth, person.postcode)
               if m.person.id != person.id]
    references = people.referrals_of([m.person.id for m in matches if not m.restricted])
    return [(match, references.get(match.person.id, [])) for match in matches]


@bp.route("/triage/<reference>/not-proceeding", methods=["POST"])
@permission_required("referral.triage")
def triage_not_proceeding(reference):
    actor = current_actor()
    closing_form = NotProceedingForm()
    if closing_form.validate_on_submit():
        try:
            referral_service.close_not_proceeding(actor, reference, closing_form.reason_code.data,
                                                  closing_form.detail.data)
        except ValidationFailed as error:
            apply_service_errors(closing_form, error)
        except Conflict as error:
            flash(error.message, "error")
            return redirect(url_for("referrals.show", reference=reference))
        else:
            flash(f"Referral {reference} closed as not proceeding. It will not go to any service.", "success")
            return redirect(url_for("referrals.triage"))
    details = referral_service.get_referral_details(actor, reference)
    if details.referral.status != "triage":
        return redirect(url_for("referrals.show", reference=reference))
    form = TriageForm(formdata=None, data=summary.triage_defaults(details.referral))
    form.offence_borough.choices = [("", "Not known")] + reference_data.london_areas()
    return _triage_page(details, form, closing_form, 400)


# --- Public self-referral ------------------------------------------------------------------------------------------


def _self_referral_limit():
    return current_app.config["SELF_REFERRAL_RATE_LIMIT"]


HONEYPOT_SESSION_KEY = "self_referral_honeypot"
SELF_REFERRAL_SESSION_KEY = "self_referral_reference"
SELF_REFERRAL_CONTACT_BY_KEY = "self_referral_contact_by"
# The service whose standard first-contact time a self-referral is promised when no route sets one yet.
SELF_REFERRAL_FALLBACK_SERVICE = "victim-support"


def _contact_by(referral) -> date:
    """The date the confirmation promises contact by: the earliest first-contact date of the services the details
    point to (the clock runs from receipt, triage or not), else the general service's standard time."""
    dues = [d.first_contact_due for d in (referral.routing_decisions if referral else []) if d.first_contact_due]
    if referral is not None and referral.first_contact_due:
        dues.append(referral.first_contact_due)  # held for triage: where its details point, from receipt
    if dues:
        return min(dues)
    policies, _ = referral_service.deadline_policies()
    policy = policies.get(SELF_REFERRAL_FALLBACK_SERVICE)
    return first_contact_due(utc_now(), policy.standard_days if policy else 5)


# The public ways in: (form, template) by route. Young people (13 to 17) and someone referring another person get
# their own words; all three make the same kind of referral, held for a caseworker's triage.
PUBLIC_ROUTES = {
    "self": (SelfReferralForm, "referrals/self_referral.html"),
    "young-person": (YoungPersonReferralForm, "referrals/self_referral_young.html"),
    "someone-else": (SomeoneElseReferralForm, "referrals/self_referral_someone_else.html"),
}
SELF_REFERRAL_ROUTE_KEY = "self_referral_route"
# One limit shared by the three forms (scope "self-referral"), so a bot gains nothing by switching between them.


def _public_referral(route: str):
    form_class, template = PUBLIC_ROUTES[route]
    form = form_class()
    not_sure = "I'm not sure, or it was outside London" if route != "someone-else" else "Not sure, or outside London"
    form.borough.choices = [("", "Choose an area")] + reference_data.london_areas() + [("not-sure", not_sure)]
    if form.validate_on_submit():
        if _honeypot_filled():
            # A bot filled the honeypot: act as if it worked, save nothing.
            reference, referral = referral_service.new_reference(), None
        else:
            referral = referral_service.create_referral(PUBLIC, summary.self_referral_input(form, route))
            reference = referral.reference
        session[SELF_REFERRAL_SESSION_KEY] = reference
        session[SELF_REFERRAL_CONTACT_BY_KEY] = _contact_by(referral).isoformat()
        session[SELF_REFERRAL_ROUTE_KEY] = route
        return redirect(url_for("referrals.self_referral_sent"))
    return render_template(template, form=form, honeypot=_new_honeypot_name()), 400 if form.errors else 200


@bp.route("/self-referral", methods=["GET", "POST"])
@limiter.shared_limit(_self_referral_limit, scope="self-referral", methods=["POST"])
def self_referral():
    return _public_referral("self")


@bp.route("/self-referral/young-people", methods=["GET", "POST"])
@limiter.shared_limit(_self_referral_limit, scope="self-referral", methods=["POST"])
def self_referral_young():
    """For young people aged 13 to 17 (the Child House takes self-referrals from 13)."""
    return _public_referral("young-person")


@bp.route("/self-referral/for-someone-else", methods=["GET", "POST"])
@limiter.shared_limit(_self_referral_limit, scope="self-referral", methods=["POST"])
def self_referral_someone_else():
    """For someone asking for support for another person, who knows and agrees."""
    return _public_referral("someone-else")


def _new_honeypot_name() -> str:
    """The honeypot field's name for this rendering: random each time, so a bot cannot learn to skip it. Hidden
    from everyone by CSS (and from assistive technology); people leave it empty, bots fill it."""
    name = f"hp_{secrets.token_hex(8)}"
    session[HONEYPOT_SESSION_KEY] = name
    return name


def _honeypot_filled() -> bool:
    name = session.pop(HONEYPOT_SESSION_KEY, None)
    return bool(name and request.form.get(name))


@bp.route("/self-referral/sent")
def self_referral_sent():
    reference = session.pop(SELF_REFERRAL_SESSION_KEY, None)
    contact_by = session.pop(SELF_REFERRAL_CONTACT_BY_KEY, None)
    route = session.pop(SELF_REFERRAL_ROUTE_KEY, "self")
    if reference is None:
        return redirect(url_for("referrals.self_referral"))
    return render_template("referrals/self_referral_sent.html", reference=reference, route=route,
                           contact_by=date.fromisoformat(contact_by) if contact_by else None,
                           service_phone=current_app.config.get("SERVICE_PHONE"), sent_at=utc_now())
