"""The PII stripper: identifiers out, typed placeholders in, crisis words kept."""

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.engine.deidentify import deidentify

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "pii_fixture.jsonl"
FIRST = ["Maria", "José", "Keisha", "Nguyen", "Aaliyah", "Sofía", "Dmitri", "Guadalupe", "Tom"]
LAST = ["García", "Okafor", "Smith", "Hernández", "Kowalski", "Lee", "Rodríguez", "O'Brien"]


@pytest.mark.parametrize(
    ("text", "placeholder", "gone"),
    [
        ("my email is ana.lopez@example.org", "[EMAIL]", "ana.lopez"),
        ("call 555-201-3344 tonight", "[PHONE]", "3344"),
        ("born 03/14/2011", "[DATE]", "2011"),
        ("el 12 de octubre", "[DATE]", "octubre"),
        ("she is 94 years old", "[AGE]", "94"),
        ("MRN 00482913", "[ID]", "00482913"),
        ("from 10.0.0.12", "[IP]", "10.0.0.12"),
        ("at 1423 Maple Street", "[ADDRESS]", "Maple"),
        ("see https://example.com/x", "[URL]", "example"),
        ("me llamo Lucía Pérez", "[NAME]", "Lucía"),
    ],
)
def test_each_kind_of_identifier_becomes_its_placeholder(text, placeholder, gone):
    out = deidentify(text)
    assert placeholder in out and gone not in out


def test_identifiers_the_clinic_knows_are_removed_whatever_their_form():
    known = [("[NAME]", "Ana López"), ("[PHONE]", "+1 (555) 201-3344")]
    out = deidentify("ana says call 5552013344, López family", known)
    assert "ana" not in out.lower() and "López" not in out and "5552013344" not in out


def test_crisis_words_and_ages_under_90_stay():
    text = "I am 17 and I want to kill myself tonight, I have pills"
    assert deidentify(text) == text


@given(
    first=st.sampled_from(FIRST),
    last=st.sampled_from(LAST),
    phone=st.from_regex(r"[2-9]\d{2}-[2-9]\d{2}-\d{4}", fullmatch=True),
    number=st.integers(1, 99999),
    street=st.sampled_from(["Oak Street", "Pine Ave", "Calle Mayor", "Sunset Blvd"]),
    spanish=st.booleans(),
)
def test_generated_names_phones_and_addresses_never_survive(
    first, last, phone, number, street, spanish
):
    if spanish:
        text = f"Me llamo {first} {last}, vivo en {number} {street} y mi cel es {phone}."
    else:
        text = f"My name is {first} {last}, I live at {number} {street}, call {phone}."
    out = deidentify(text)
    for value in (first, last, phone, street):
        assert value not in out, out
    assert "[NAME]" in out and "[PHONE]" in out and "[ADDRESS]" in out


@given(st.text(max_size=300))
def test_any_text_comes_back_as_text(text):
    assert isinstance(deidentify(text), str)


def fixture_misses() -> tuple[Counter, Counter, list]:
    found, total, missed = Counter(), Counter(), []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out = deidentify(row["text"])
        for kind, value in row["identifiers"]:
            total[kind] += 1
            if value in out:
                missed.append((kind, value))
            else:
                found[kind] += 1
    return found, total, missed


def test_the_labelled_fixture_reports_what_was_missed(capsys):
    found, total, missed = fixture_misses()
    with capsys.disabled():
        print(
            f"\nPII stripper on {FIXTURE.name}: {sum(found.values())}/{sum(total.values())}"
            f" identifiers removed; missed: {missed or 'none'}"
        )
    assert sum(found.values()) / sum(total.values()) >= 0.95
