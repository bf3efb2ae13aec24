"""The triage script document: loading, validation errors that name the key, round trip."""

import copy

import pytest

from triage.engine import REQUIRED_TEXTS, Script, ScriptError, default_script, evaluate, scan
from triage.engine import validate_document as validate


@pytest.fixture(scope="module")
def full_doc() -> dict:
    return default_script().to_dict()


@pytest.fixture(scope="module")
def doc(full_doc) -> dict:
    """A small valid script (validating the full lexicon takes a second or two each)."""
    d = copy.deepcopy(full_doc)
    for lang in ("en", "es"):
        section = d["lexicon"]["languages"][lang]
        section["rules"] = section["rules"][:2]
        section["idioms"] = section["idioms"][:2]
    d["validation_cases"] = d["validation_cases"][:4]
    return d


def test_it_loads_the_default_script():
    script = default_script()
    assert script.version
    assert set(script.languages) == {"en", "es"}
    assert len(script.validation_cases) >= 60
    assert script.rules and script.compiled_lexicon.rules


@pytest.mark.parametrize("text_id", REQUIRED_TEXTS)
@pytest.mark.parametrize("language", ["en", "es"])
def test_it_has_every_approved_text(text_id, language):
    assert default_script().text(text_id, language).strip()


def test_it_never_claims_to_be_a_person_in_the_automated_label():
    label = default_script().text("automated_label", "en").lower()
    assert "not a person" in label and "not a clinician" in label


def test_it_passes_its_own_validation_cases():
    report = evaluate(default_script().validation_cases, scan)
    assert report.sensitivity == 1.0
    assert report.specificity >= 0.9


def test_it_round_trips_through_a_dict(doc):
    script = Script.from_dict(doc)
    assert script.to_dict() == doc
    assert script.version == doc["version"]


def test_it_does_not_share_the_callers_dict(doc):
    mine = copy.deepcopy(doc)
    script = Script.from_dict(mine)
    mine["texts"]["cannot_answer"]["en"] = "changed"
    assert script.text("cannot_answer", "en") != "changed"


def broken(doc: dict, change) -> dict:
    d = copy.deepcopy(doc)
    change(d)
    return d


def first_rule(d: dict, lang: str = "en") -> dict:
    return d["lexicon"]["languages"][lang]["rules"][0]


EN0 = "lexicon.languages.en.rules[0]"


def en_advice(d: dict) -> dict:
    return d["advice_patterns"]["languages"]["en"][0]


def spelling(d: dict) -> dict:
    return d["lexicon"]["languages"]["en"]["spelling"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: first_rule(d).update(pattern="kill (myself"), f"{EN0}.pattern"),
        (lambda d: first_rule(d).update(pattern="\\w+"), f"{EN0}.pattern"),
        (lambda d: first_rule(d).update(category="sadness"), f"{EN0}.category"),
        (lambda d: first_rule(d).update(subtype="vibes"), f"{EN0}.subtype"),
        (lambda d: first_rule(d).update(severity="extreme"), f"{EN0}.severity"),
        (lambda d: first_rule(d).update(colour="red"), f"{EN0}.colour"),
        (
            lambda d: first_rule(d, "es").update(id=first_rule(d)["id"]),
            "lexicon.languages.es.rules[0].id",
        ),
        (lambda d: d["texts"]["crisis_resources"].pop("es"), "texts.crisis_resources.es"),
        (lambda d: d["texts"].pop("withdraw_consent"), "texts.withdraw_consent"),
        (lambda d: d.update(version=""), "version"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d.pop("rules"), "rules"),
        (lambda d: d["rules"][0].update(acuity="asap"), "rules[0].acuity"),
        (lambda d: d["rules"][0].update(text="{nonsense}"), "rules[0].text"),
        (lambda d: d["rules"][0]["when"].update(band=["purple"]), "rules[0].when.band"),
        (lambda d: d["rules"][1].update(id=d["rules"][0]["id"]), "rules[1].id"),
        (lambda d: d["validation_cases"][0].update(label="maybe"), "validation_cases[0].label"),
        (lambda d: en_advice(d).update(kind="gossip"), "advice_patterns.languages.en[0].kind"),
        (lambda d: spelling(d).update(typos={"x": "y"}), "lexicon.languages.en.spelling.typos"),
    ],
)
def test_it_names_the_bad_key(doc, change, key):
    with pytest.raises(ScriptError) as exc:
        validate(broken(doc, change))
    assert exc.value.key == key
    assert key in str(exc.value)


def test_it_rejects_a_document_that_is_not_an_object():
    with pytest.raises(ScriptError):
        validate(["not", "a", "script"])


def test_it_accepts_a_valid_document(doc):
    validate(doc)
