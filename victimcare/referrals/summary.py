"""Turning the journey's draft answers into what the pages show and what the service layer takes.

No Flask request handling here: plain functions over the draft dict, so the routes stay thin.
"""
from datetime import date

from flask import url_for
from markupsafe import Markup, escape

from ..domain import vocab
from ..domain.access import RESTRICTED_RECORD_LABEL
from ..domain import referral_questions
from ..domain.clock import london_today, utc_now
from ..domain.contact_details import InvalidContactDetail, parse_email, phone_for_display
from ..domain.dash import count_yes
from ..services.referrals import (
    ContactChanges,
    DashAnswers,
    ParentCarerDetails,
    PerpetratorDetails,
    ReferralInput,
    TriageCompletion,
    VictimDetails,
)
from .forms import CONTACT_PERMISSIONS, DASH_ANSWER_LABELS, OFFENCE_FLAGS, STRANDS_NOT_KNOWN

ABOUT_FIELDS = ("sex", "gender_identity", "ethnicity", "disability", "religion", "sexual_orientation")
ABOUT_VOCABS = {
    "sex": vocab.SEX, "gender_identity": vocab.GENDER_IDENTITY, "ethnicity": vocab.ETHNICITY,
    "disability": vocab.DISABILITY, "religion": vocab.RELIGION, "sexual_orientation": vocab.SEXUAL_ORIENTATION,
}
ABOUT_LABELS = {
    "sex": "Sex", "gender_identity": "Gender same as sex registered at birth", "ethnicity": "Ethnic group",
    "disability": "Disabled", "religion": "Religion", "sexual_orientation": "Sexual orientation",
}
FLAG_LABELS = dict(OFFENCE_FLAGS)
STRAND_LABELS = dict(vocab.HATE_STRANDS + (STRANDS_NOT_KNOWN,))
CONTACT_LABELS = dict(CONTACT_PERMISSIONS)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _display_date(value: str | None) -> str:
    return _date(value).strftime("%-d %B %Y") if value else "Not known"


def is_domestic_abuse(draft: dict) -> bool:
    offence = draft.get("offence") or {}
    return offence.get("offence_category") == "domestic-abuse" or "domestic-abuse" in (offence.get("flags") or [])


def victim_date_of_birth(draft: dict) -> date | None:
    """The date of birth given on the person page, or the chosen record's (None: not known)."""
    person = draft.get("person") or draft.get("search") or {}
    return _date(person.get("date_of_birth"))


def victim_age(draft: dict) -> int | None:
    """The victim's age today, from the date of birth given or the record chosen (None: not known)."""
    return referral_questions.age_now(victim_date_of_birth(draft), london_today())


def is_child_victim(draft: dict) -> bool:
    return referral_questions.asks_parent_carer(victim_age(draft))


def asks_household(draft: dict) -> bool:
    return referral_questions.asks_household(is_domestic_abuse(draft), victim_age(draft))


def asks_identity_questions(draft: dict) -> bool:
    return referral_questions.asks_identity_questions(victim_age(draft))


_PERPETRATOR_KEYS = ("perpetrator", "children_in_household", "household_children_details")


def drop_answers_that_no_longer_apply(draft: dict) -> None:
    """After a changed answer (the offence, the person): answers to questions no longer asked are not kept."""
    if not is_domestic_abuse(draft):
        draft.pop("dash", None)
    household = draft.get("household")
    if household is not None:
        if not asks_household(draft):
            draft.pop("household")
        else:
            if not is_domestic_abuse(draft) and any(household.get(k) is not None for k in _PERPETRATOR_KEYS):
                draft.pop("household")  # asked again without the domestic abuse questions
            elif not is_child_victim(draft) and household.get("parent_carer") is not None:
                draft.pop("household")
            elif is_child_victim(draft) and household.get("parent_carer") is None:
                draft.pop("household")  # now a child: the parent or carer must be asked
            elif is_domestic_abuse(draft) and household.get("perpetrator") is None:
                draft.pop("household")
    about = draft.get("about")
    if about is not None and not asks_identity_questions(draft):
        for name in ("gender_identity", "sexual_orientation"):
            about.pop(name, None)


_TRI_STATE = {"yes": True, "no": False}


def household_answers(form) -> dict:
    """The people-around-them page's answers, as kept in the draft (only the questions asked)."""
    answers = {"perpetrator": None, "children_in_household": None, "household_children_details": None,
               "parent_carer": None}
    if "perpetrator_relationship" in form:
        answers["perpetrator"] = {
            "name": form.perpetrator_name.data, "relationship": form.perpetrator_relationship.data,
            "date_of_birth": _iso(form.perpetrator_date_of_birth.data),
            "lives_with_victim": form.perpetrator_lives_with_victim.data,
        }
        answers["children_in_household"] = form.children_in_household.data
        answers["household_children_details"] = (
            (form.household_children_details.data or "").strip() or None
            if form.children_in_household.data == "yes" else None)
    if "parent_carer_name" in form:
        answers["parent_carer"] = {
            "name": form.parent_carer_name.data, "relationship": form.parent_carer_relationship.data,
            "phone": form.parent_carer_phone.data, "safe": form.parent_carer_safe.data,
            "notes": (form.parent_carer_notes.data or "").strip() or None,
        }
    return answers


def household_form_data(saved: dict) -> dict:
    """The draft's answers back into the page's fields."""
    data = {"children_in_household": saved.get("children_in_household"),
            "household_children_details": saved.get("household_children_details")}
    if (p := saved.get("perpetrator")) is not None:
        data.update(perpetrator_name=p["name"], perpetrator_relationship=p["relationship"],
                    perpetrator_date_of_birth=_date(p.get("date_of_birth")),
                    perpetrator_lives_with_victim=p["lives_with_victim"])
    if (c := saved.get("parent_carer")) is not None:
        data.update(parent_carer_name=c["name"], parent_carer_relationship=c["relationship"],
                    parent_carer_phone=c.get("phone"), parent_carer_safe=c["safe"], parent_carer_notes=c.get("notes"))
    return data


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def match_row(match) -> dict:
    """A search result as the matches page shows it (kept in the draft so the choice can be checked)."""
    p = match.person
    if match.restricted:
        return {"id": p.id, "label": RESTRICTED_RECORD_LABEL, "details": "", "likely": match.likely}
    born = p.date_of_birth.strftime("%-d %B %Y") if p.date_of_birth else "date of birth not known"
    label = f"{p.given_name} {p.family_name}, born {born}"
    details = ", ".join(x for x in (p.postcode, p.borough.name if p.borough else None) if x)
    return {"id": p.id, "label": label, "details": details, "likely": match.likely,
            "date_of_birth": p.date_of_birth.isoformat() if p.date_of_birth else None}


# --- Check your answers ---------------------------------------------------------------------------------------------


def _email_as_stored(text: str | None) -> str | None:
    """The email address as it will be stored (the domain in lower case), so the check page shows what is kept."""
    try:
        return parse_email(text)
    except InvalidContactDetail:
        return text


def _row(key: str, value, endpoint: str | None = None, hidden: str | None = None) -> dict:
    if isinstance(value, (list, tuple)):
        value = Markup("<br>").join(escape(v) for v in value) if value else "None"
        content = {"html": value}
    else:
        content = {"text": value if value not in (None, "") else "Not given"}
    row = {"key": {"text": key}, "value": content}
    if endpoint:
        row["actions"] = {"items": [{"href": url_for(endpoint, change=1), "text": "Change",
                                     "visuallyHiddenText": (hidden or key).lower()}]}
    return row


def check_sections(draft: dict, questions, areas: dict[str, str], dash_result) -> list[dict]:
    """The check-your-answers page: one summary list per page of the journey, each row with a Change link."""
    sections = []
    person = draft["person"]
    if person["mode"] == "existing":
        rows = [_row("Person", f"{person['label']} (already on record)", "referrals.find_person", "person")]
    else:
        rows = [
            _row("Name", f"{person['given_name']} {person['family_name']} (new person)", "referrals.find_person", "name"),
            _row("Date of birth", _display_date(person.get("date_of_birth")), "referrals.find_person", "date of birth"),
            _row("Postcode", person.get("postcode"), "referrals.find_person", "postcode"),
        ]
    sections.append({"title": "The person", "rows": rows})

    o = draft["offence"]
    sections.append({"title": "The offence", "rows": [
        _row("Kind of offence", vocab.label(vocab.OFFENCE_CATEGORIES, o["offence_category"]), "referrals.offence",
             "kind of offence"),
        _row("Date", _display_date(o.get("offence_date")), "referrals.offence", "date of the offence"),
        _row("Area", areas.get(o.get("offence_borough"), o.get("offence_borough")), "referrals.offence", "area"),
        _row("Crime reference", o.get("crime_reference"), "referrals.offence", "crime reference"),
        _row("Also applies", [FLAG_LABELS[f] for f in o.get("flags") or []], "referrals.offence", "what also applies"),
        _row("Hate crime strands", [STRAND_LABELS[s] for s in o.get("hate_strands") or []],
             "referrals.offence", "hate crime strands"),
        _row("What happened", o.get("description"), "referrals.offence", "what happened"),
    ]})

    if "dash" in draft and dash_result is not None:
        d = draft["dash"]
        answered = [f"{n}. {q.text}: {DASH_ANSWER_LABELS[d['answers'].get(q.id, 'not-known')]}"
                    for n, q in enumerate(questions, start=1)]
        level = dash_result.level.capitalize()
        rows = [
            _row("DASH score", f"{dash_result.yes_count} of {len(questions)} yes: {level} risk"
                 + (" (raised by professional judgement)" if dash_result.level != dash_result.actuarial_level else ""),
                 "referrals.dash", "DASH answers"),
            _row("Professional judgement", d.get("professional_judgement_reason") or "No", "referrals.dash",
                 "professional judgement"),
            _row("Incidents in the last 12 months",
                 str(d["incidents_last_12_months"]) if d.get("incidents_last_12_months") is not None else "Not known",
                 "referrals.dash", "incidents in the last 12 months"),
            _row("MARAC", ("Refer to MARAC: " + " ".join(dash_result.marac_reasons)) if dash_result.marac
                 else "No MARAC criterion met", None),
            _row("Answers", answered, "referrals.dash", "DASH answers"),
        ]
        sections.append({"title": "Domestic abuse risk (DASH)", "rows": rows})

    if draft.get("household"):
        sections.append({"title": "The people around them", "rows": _household_rows(draft["household"])})

    a = draft["about"]
    rows = []
    for name in ABOUT_FIELDS:
        if name not in a and name in ("gender_identity", "sexual_orientation"):
            continue  # not asked: the victim is under 16
        value = a.get(name)
        shown = vocab.label(ABOUT_VOCABS[name], value) if name in ABOUT_VOCABS and value else value
        rows.append(_row(ABOUT_LABELS[name], shown or "Not answered", "referrals.about", ABOUT_LABELS[name]))
    sections.append({"title": "About the victim (equality monitoring)", "rows": rows})

    c = draft["consent"]
    consent_text = {"yes": "Yes", "no": "No, they do not agree", "not-asked": "Not asked yet"}[c["consent_referral"]]
    if c["consent_referral"] == "yes":
        consent_text += f", given by {c['consent_given_by']} ({vocab.label(vocab.CONSENT_METHODS, c['consent_method']).lower()})"
    rows = [_row("Consent to referral", consent_text, "referrals.consent", "consent to referral")]
    if c["consent_referral"] != "yes":
        basis = c.get("lawful_basis")
        rows.append(_row("Lawful basis", vocab.label(vocab.LAWFUL_BASES, basis) if basis and basis != "none"
                         else "None: record the referral only", "referrals.consent", "lawful basis"))
    rj = "No"
    if c["rj_requested"] == "yes":
        rj = "Interested, with written consent" if c["rj_consent"] == "yes" else "Interested, no written consent yet"
    rows += [
        _row("Restorative justice", rj, "referrals.consent", "restorative justice"),
        _row("Phone", phone_for_display(c.get("phone")) or None, "referrals.consent", "phone"),
        _row("Email", _email_as_stored(c.get("email")), "referrals.consent", "email"),
        _row("Safe to", [CONTACT_LABELS[p] for p in c.get("contact_permissions") or []] or ["No contact agreed yet"],
             "referrals.consent", "safe ways to contact"),
        _row("Postal address", (c.get("address") or "").splitlines() or ("Not needed: letters are not safe"
                                                      if "may-write" not in (c.get("contact_permissions") or [])
                                                      else None), "referrals.consent", "postal address"),
        _row("Best times to contact", [vocab.label(vocab.CONTACT_TIMES, t) for t in c.get("preferred_contact_times")
                                       or []] or ["No preference given"], "referrals.consent", "best times to contact"),
        _row("Safe contact notes", c.get("safe_contact_notes"), "referrals.consent", "safe contact notes"),
        _row("Interpreter", _interpreter_text(c), "referrals.consent", "interpreter"),
    ]
    sections.append({"title": "Consent and safe contact", "rows": rows})
    return sections


def _interpreter_text(c: dict) -> str:
    if c.get("interpreter_needed") == "yes":
        return f"Needed: {c.get('first_language')}"
    return "Not needed" if c.get("interpreter_needed") == "no" else "Not asked"


_YES_NO_NOT_KNOWN = {"yes": "Yes", "no": "No", "not-known": "Not known"}


def _household_rows(h: dict) -> list[dict]:
    rows = []
    if (p := h.get("perpetrator")) is not None:
        page = "referrals.household"
        rows += [
            _row("Person causing harm", p.get("name") or "Name not known", page, "name of the person causing harm"),
            _row("Who they are to the victim", vocab.label(vocab.PERPETRATOR_RELATIONSHIPS, p["relationship"]),
                 page, "who they are to the victim"),
            _row("Their date of birth", _display_date(p.get("date_of_birth")), page, "their date of birth"),
            _row("Lives with the victim", _YES_NO_NOT_KNOWN[p["lives_with_victim"]], page, "whether they live with "
                                                                                           "the victim"),
            _row("Children in the household", _YES_NO_NOT_KNOWN[h["children_in_household"]]
                 + (f": {h['household_children_details']}" if h.get("household_children_details") else ""),
                 page, "children in the household"),
        ]
    if (c := h.get("parent_carer")) is not None:
        page = "referrals.household"
        rows += [
            _row("Parent or carer", f"{c['name']} ({vocab.label(vocab.PARENT_CARER_RELATIONSHIPS, c['relationship']).lower()})",
                 page, "parent or carer"),
            _row("Their phone", phone_for_display(c.get("phone")) or None, page, "parent or carer's phone"),
            _row("Safe to contact them", _YES_NO_NOT_KNOWN[c["safe"]], page, "whether it is safe to contact them"),
            _row("Before contacting them", c.get("notes"), page, "what to know before contacting them"),
        ]
    return rows


# --- Draft -> service input -------------------------------------------------------------------------------------------


def referral_input(draft: dict) -> ReferralInput:
    """The validated draft as the service layer's ReferralInput."""
    person, o, a, c = draft["person"], draft["offence"], draft["about"], draft["consent"]
    flags = set(o.get("flags") or [])
    permissions = set(c.get("contact_permissions") or [])
    interpreter = c.get("interpreter_needed")
    victim = VictimDetails(
        given_name=person.get("given_name") or "", family_name=person.get("family_name") or "",
        date_of_birth=_date(person.get("date_of_birth")), postcode=person.get("postcode"),
        phone=c.get("phone"), email=c.get("email"),
        may_phone="may-phone" in permissions, may_leave_voicemail="may-leave-voicemail" in permissions,
        may_write="may-write" in permissions, may_email="may-email" in permissions,
        may_text="may-text" in permissions,
        safe_contact_notes=c.get("safe_contact_notes"),
        address=c.get("address") if "may-write" in permissions else None,
        preferred_contact_times=list(c.get("preferred_contact_times") or []),
        sex=a.get("sex"), gender_identity=a.get("gender_identity"), ethnicity=a.get("ethnicity"),
        disability=a.get("disability"), religion=a.get("religion"), sexual_orientation=a.get("sexual_orientation"),
        first_language=c.get("first_language") if interpreter == "yes" else None,
        interpreter_needed={"yes": True, "no": False}.get(interpreter),
    )
    dash = dash_answers(draft["dash"]) if "dash" in draft and is_domestic_abuse(draft) else None
    consent = {"yes": True, "no": False}.get(c["consent_referral"])
    basis = c.get("lawful_basis")
    return ReferralInput(
        source="caseworker",
        offence_category=o["offence_category"],
        victim=victim,
        person_id=person["person_id"] if person["mode"] == "existing" else None,
        offence_date=_date(o.get("offence_date")),
        offence_borough_code=o.get("offence_borough") or None,
        crime_reference=o.get("crime_reference"),
        description=o.get("description"),
        domestic_abuse="domestic-abuse" in flags,
        sexual_offence="sexual-offence" in flags,
        hate_strands=[s for s in o.get("hate_strands") or [] if s != STRANDS_NOT_KNOWN[0]],
        weapon_involved="weapon" in flags,
        persistently_targeted="persistently-targeted" in flags,
        bereaved_relative="bereaved-relative" in flags,
        vulnerable_or_intimidated="vulnerable-or-intimidated" in flags,
        most_serious_crime="most-serious-crime" in flags,
        trafficking="trafficking" in flags,
        child_sexual_exploitation="child-sexual-exploitation" in flags,
        additional_needs="additional-needs" in flags,
        code_complaint="code-complaint" in flags,
        consent_referral=consent,
        consent_given_by=c.get("consent_given_by") if consent else None,
        consent_method=c.get("consent_method") if consent else None,
        lawful_basis=basis if basis and basis != "none" and not consent else None,
        rj_requested=c["rj_requested"] == "yes",
        rj_consent=c["rj_requested"] == "yes" and c["rj_consent"] == "yes",
        dash=dash,
        received_at=utc_now(),
        **_household_input(draft.get("household") or {}),
    )


def dash_answers(d: dict) -> DashAnswers:
    """A DASH page's answers (as the draft keeps them) as the service layer's DashAnswers."""
    return DashAnswers(
        yes_count=count_yes(d["answers"]), professional_judgement=d["professional_judgement"] == "yes",
        professional_judgement_reason=d.get("professional_judgement_reason"),
        incidents_last_12_months=d.get("incidents_last_12_months"), answers=d["answers"],
    )


def _household_input(h: dict) -> dict:
    """The people-around-them answers as ReferralInput's fields."""
    values = {"children_in_household": h.get("children_in_household"),
              "household_children_details": h.get("household_children_details")}
    if (p := h.get("perpetrator")) is not None:
        values["perpetrator"] = PerpetratorDetails(
            name=p.get("name"), relationship_to_victim=p["relationship"], date_of_birth=_date(p.get("date_of_birth")),
            lives_with_victim=_TRI_STATE.get(p["lives_with_victim"]))
    if (c := h.get("parent_carer")) is not None:
        values["parent_carer"] = ParentCarerDetails(
            name=c["name"], relationship_to_victim=c["relationship"], phone=c.get("phone"),
            safe_to_contact=_TRI_STATE.get(c["safe"]), notes=c.get("notes"))
    return values


def triage_defaults(referral) -> dict:
    """The triage form pre-filled from what the referral already holds."""
    person = referral.person
    flags = [slug for slug, attr in (("domestic-abuse", "domestic_abuse"), ("sexual-offence", "sexual_offence"),
                                     ("persistently-targeted", "persistently_targeted"),
                                     ("bereaved-relative", "bereaved_relative"),
                                     ("vulnerable-or-intimidated", "vulnerable_or_intimidated"))
             if getattr(referral, attr)]
    return {
        "given_name": person.given_name if person else None,
        "family_name": person.family_name if person else None,
        "date_of_birth": person.date_of_birth if person else None,
        "postcode": person.postcode if person else None,
        "offence_category": referral.offence_category,
        "offence_date": referral.offence_date,
        "offence_borough": referral.offence_borough_code or "",
        "crime_reference": referral.crime_reference,
        "flags": flags,
        "hate_strands": referral.strand_slugs,
        "consent_referral": {True: "yes", False: "no"}.get(referral.consent_referral, "not-asked"),
        **_contact_defaults(person),
    }


_PERMISSION_FLAGS = (("may-phone", "may_phone"), ("may-leave-voicemail", "may_leave_voicemail"),
                     ("may-text", "may_text"), ("may-write", "may_write"), ("may-email", "may_email"))


def _contact_defaults(person) -> dict:
    """The victim's contact details as recorded, for the triage form (shown so they can be corrected)."""
    if person is None:
        return {}
    return {
        "phone": phone_for_display(person.phone) or None, "email": person.email, "address": person.address,
        "contact_permissions": [slug for slug, attr in _PERMISSION_FLAGS if getattr(person, attr)],
        "safe_contact_notes": person.safe_contact_notes, "first_language": person.first_language,
        "interpreter_needed": {True: "yes", False: "no"}.get(person.interpreter_needed),
    }


def triage_confirmed_message(confirmed) -> str:
    """The success banner after a caseworker confirms routing at triage: where the referral now goes."""
    names = [route.decision.service.name for route in confirmed.active_routes]
    if not names:
        return f"Routing confirmed for {confirmed.referral.reference}: it goes to no service (see why below)."
    return (f"Routing confirmed for {confirmed.referral.reference}: sent to {', '.join(names)}. "
            f"Their first-contact clock runs from when the referral was received.")


def triage_completion(form) -> TriageCompletion:
    flags = set(form.flags.data or [])
    return TriageCompletion(
        given_name=form.given_name.data, family_name=form.family_name.data, date_of_birth=form.date_of_birth.data,
        postcode=form.postcode.data, offence_category=form.offence_category.data, offence_date=form.offence_date.data,
        offence_borough_code=form.offence_borough.data or None,
        crime_reference=(form.crime_reference.data or "").upper() or None,
        domestic_abuse="domestic-abuse" in flags, sexual_offence="sexual-offence" in flags,
        hate_strands=[s for s in form.hate_strands.data or [] if s != STRANDS_NOT_KNOWN[0]],
        persistently_targeted="persistently-targeted" in flags,
        vulnerable_or_intimidated="vulnerable-or-intimidated" in flags, bereaved_relative="bereaved-relative" in flags,
        consent_referral={"yes": True, "no": False}.get(form.consent_referral.data),
        # A post without the contact section (not from the page) leaves the contact details as they are
        contact=_contact_changes(form) if form.phone.raw_data else None,
    )


def _contact_changes(form) -> ContactChanges:
    permissions = set(form.contact_permissions.data or [])
    return ContactChanges(
        phone=form.phone.data, email=form.email.data, address=(form.address.data or "").strip() or None,
        safe_contact_notes=(form.safe_contact_notes.data or "").strip() or None,
        interpreter_needed={"yes": True, "no": False}.get(form.interpreter_needed.data),
        first_language=form.first_language.data if form.interpreter_needed.data == "yes" else None,
        **{attr: slug in permissions for slug, attr in _PERMISSION_FLAGS},
    )


def self_referral_input(form, route: str = "self") -> ReferralInput:
    """A public self-referral: always a new person (nothing is looked up), waiting for a caseworker's triage.

    ``route``: "self"; "young-person" (13 to 17, with their date of birth, so the child rules apply at triage);
    "someone-else" (referred by another person with the victim's knowledge: who they are is kept as the referrer,
    and consent is recorded as given through them)."""
    ways = set(form.contact_ways.data or [])
    category = form.what_happened.data
    strands = list(form.hate_strands.data or [])
    borough = form.borough.data if form.borough.data not in ("", "not-sure") else None
    return ReferralInput(
        source="self-referral",
        offence_category=category,
        victim=VictimDetails(
            given_name=form.given_name.data, family_name=form.family_name.data or "", borough_code=borough,
            date_of_birth=form.date_of_birth.data if route == "young-person" else None,
            phone=form.phone.data, email=form.email.data,
            may_phone="may-phone" in ways, may_leave_voicemail="may-leave-voicemail" in ways,
            may_write="may-write" in ways, may_email="may-email" in ways, may_text="may-text" in ways,
            safe_contact_notes=(form.safe_times.data or "").strip() or None,
        ),
        offence_borough_code=borough,
        description=(form.description.data or "").strip() or None,
        domestic_abuse=category == "domestic-abuse",
        sexual_offence=category == "sexual-offence",
        hate_strands=strands,
        persistently_targeted=category == "stalking-harassment",
        consent_referral=True,
        consent_given_by="The victim, online" if route != "someone-else"
        else "The victim, through the person who referred them online",
        consent_method="online",
        received_at=utc_now(),
        needs_triage=True,
        hold_for_triage=True,
        referrer_name=form.referrer_name.data if route == "someone-else" else None,
        referrer_organisation=f"{form.referrer_relationship.data} (referred them with their knowledge)"
        if route == "someone-else" else None,
    )
