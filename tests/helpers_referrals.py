"""Helpers for the referral journey tests: walk the question pages as a caseworker would."""
from datetime import date

from victimcare.domain.clock import london_today
from victimcare.domain.dash import load_dash_questions
from victimcare.domain.people import age_on

WESTMINSTER = "E09000033"
CAMDEN = "E09000007"


def date_fields(name: str, value: date) -> list[tuple[str, str]]:
    """The three boxes of a GOV.UK date input, which share one name."""
    return [(name, str(value.day)), (name, str(value.month)), (name, str(value.year))]


def form(*pairs, **values) -> list[tuple[str, str]]:
    """Form data as (name, value) pairs: repeated names for checkboxes and dates, keyword values for the rest."""
    data = []
    for pair in pairs:
        data.extend(pair if isinstance(pair, list) else [pair])
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            data.extend((name, v) for v in value)
        else:
            data.append((name, value))
    return data


def post(client, path, data, **kwargs):
    from werkzeug.datastructures import MultiDict

    return client.post(path, data=MultiDict(data), **kwargs)


def find_person(client, given="Maya", family="Okafor", dob=date(1991, 4, 12), postcode="NW1 2AB"):
    data = form(date_fields("date_of_birth", dob) if dob else [], given_name=given, family_name=family,
                postcode=postcode or "")
    return post(client, "/referrals/new/person", data)


def choose_person(client, choice="new"):
    return post(client, "/referrals/new/person/matches", [("person", str(choice))])


def offence(client, category="domestic-abuse", on=date(2026, 3, 2), borough=CAMDEN, flags=(), strands=(),
            crime_reference="", query=""):
    data = form(date_fields("offence_date", on), offence_category=category, offence_borough=borough,
                crime_reference=crime_reference, flags=list(flags), hate_strands=list(strands), description="")
    return post(client, "/referrals/new/offence" + query, data)


def dash(client, yes=15, judgement="no", reason="", incidents="", action="submit"):
    questions = load_dash_questions()
    data = [(f"dash_{q.id}", "yes" if n < yes else "no") for n, q in enumerate(questions)]
    data += [("professional_judgement", judgement), ("professional_judgement_reason", reason),
             ("incidents_last_12_months", str(incidents)), (action, "x")]
    return post(client, "/referrals/new/domestic-abuse", data)


def household(client, perpetrator=True, parent_carer=False, relationship="ex-partner", lives_with="no",
              children="no", children_details="", carer_name="Grace Okafor", carer_safe="yes", carer_phone="",
              perpetrator_dob=None):
    """The people-around-them page: the person causing harm and children (domestic abuse), a child's parent or
    carer."""
    data = []
    if perpetrator:
        data += form(date_fields("perpetrator_date_of_birth", perpetrator_dob) if perpetrator_dob else
                     [("perpetrator_date_of_birth", "")] * 3,
                     perpetrator_name="Dan Kerr", perpetrator_relationship=relationship,
                     perpetrator_lives_with_victim=lives_with, children_in_household=children,
                     household_children_details=children_details)
    if parent_carer:
        data += form(parent_carer_name=carer_name, parent_carer_relationship="mother", parent_carer_phone=carer_phone,
                     parent_carer_safe=carer_safe, parent_carer_notes="")
    return post(client, "/referrals/new/people-around-them", data)


def about(client, **answers):
    return post(client, "/referrals/new/about-the-victim", form(**answers))


def consent(client, agreed="yes", given_by="The victim", method="phone", rj="no", rj_consent="", lawful_basis="",
            permissions=("may-phone",), phone="07700 900123", notes="", address="", contact_times=(),
            interpreter="no", language=""):
    data = form(consent_referral=agreed, consent_given_by=given_by, consent_method=method, lawful_basis=lawful_basis,
                rj_requested=rj, rj_consent=rj_consent, phone=phone, email="",
                contact_permissions=list(permissions), safe_contact_notes=notes, address=address,
                preferred_contact_times=list(contact_times), interpreter_needed=interpreter, first_language=language)
    return post(client, "/referrals/new/consent", data)


def walk_to_check(client, category="domestic-abuse", flags=(), strands=(), dash_yes=15, dob=date(1991, 4, 12),
                  consent_kwargs=None, person_choice="new"):
    """The whole journey up to the check-your-answers page; returns the last response."""
    assert find_person(client, dob=dob).status_code == 302
    assert choose_person(client, person_choice).status_code == 302
    assert offence(client, category=category, flags=flags, strands=strands).status_code == 302
    domestic_abuse = category == "domestic-abuse" or "domestic-abuse" in flags
    if domestic_abuse:
        assert dash(client, yes=dash_yes).status_code == 302
    child = dob is not None and age_on(dob, london_today()) < 18
    if domestic_abuse or child:
        response = household(client, perpetrator=domestic_abuse, parent_carer=child)
        assert response.status_code == 302, response.data
    assert about(client, sex="female", ethnicity="black-african").status_code == 302
    response = consent(client, **(consent_kwargs or {}))
    assert response.status_code == 302, response.data
    return response


def self_referral_data(**overrides):
    values = dict(what_happened="hate-crime", hate_strands=["race"], description="Shouted at on the bus",
                  borough=WESTMINSTER, given_name="Sam", family_name="", phone="07700 900456", email="",
                  contact_ways=["may-phone"], safe_times="After 6pm", consent="yes")
    values.update(overrides)
    return form(**values)


def honeypot_name(client) -> str:
    """The honeypot field's name in a fresh rendering of the self-referral form (it changes every time)."""
    import re

    page = client.get("/self-referral").get_data(as_text=True)
    return re.search(r'<div class="vc-hp"[^>]*>\s*<label for="([^"]+)"', page).group(1)
