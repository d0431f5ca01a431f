"""Which text may identify someone other than the person (flagged for the DPO's review before release)."""
import pytest

from victimcare.domain.subject_access import item_key, third_party_reason


@pytest.mark.parametrize("text, expected", [
    (None, None),
    ("", None),
    ("Called, no answer. Will try again on Tuesday.", None),
    ("Maya asked for a call back after 5pm.", None),
    ("Maya Okafor confirmed her new address.", None),                # her own name
    ("Referred to Victim Support and the Metropolitan Police.", None),  # agencies, not people
    ("Her ex-partner has been seen outside the house.", "Mentions another person (ex-partner)"),
    ("Her Neighbour called the police.", "Mentions another person (neighbour)"),
    ("Spoke to Mrs Patel at the school.", "May name another person (Mrs Patel)"),
    ("Dr. Jones will write a letter.", "May name another person (Dr. Jones)"),
    ("Daniel Price was at the address again.", "May name another person (Daniel Price)"),
])
def test_third_party_reason(text, expected):
    assert third_party_reason(text, own_names=("Maya", "Okafor")) == expected


def test_item_key_names_table_row_and_field():
    assert item_key("case_notes", 12, "body") == "case_notes.12.body"
