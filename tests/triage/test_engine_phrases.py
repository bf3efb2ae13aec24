"""The plain-words phrase compiler and the effective script (pure engine, no database)."""

from __future__ import annotations

import pytest

from triage import engine
from triage.engine.effective import Override, apply_overrides, build_document, content_hash
from triage.engine.phrases import (
    IDIOM,
    PhraseError,
    PhraseSpec,
    check_examples,
    phrase_key,
    phrase_to_pattern,
    plain_phrase_of,
    spelling_variants,
)

SHIPPED = engine.default_script().to_dict()


def spec(phrase: str, key: str = "en.suicide.test", **fields) -> PhraseSpec:
    defaults = {"category": "suicide", "subtype": "means", "severity": "high", "whose_risk": "self"}
    return PhraseSpec(key=key, language="en", phrase=phrase, **{**defaults, **fields})


def script_with(*specs: PhraseSpec) -> engine.Script:
    base = [
        PhraseSpec(key=r["id"], language=lang, kind=IDIOM, pattern=r["pattern"])
        for lang, d in SHIPPED["lexicon"]["languages"].items()
        for r in d["idioms"]
    ]
    es_rule = SHIPPED["lexicon"]["languages"]["es"]["rules"][0]
    keep = PhraseSpec(key=es_rule["id"], language="es", pattern=es_rule["pattern"],
                      category=es_rule["category"], subtype=es_rule["subtype"],
                      severity=es_rule["severity"])  # fmt: skip
    return engine.Script.from_dict(build_document(SHIPPED, [*base, keep, *specs]))


@pytest.mark.parametrize(
    ("phrase", "pattern"),
    [
        ("I've been saving up my pills", "I've been saving up my pills"),
        ("saving * pills", r"saving \w+( \w+){0,2} pills"),
        ("overdos* on pills/tablets", r"overdos\w* on (pills|tablets)"),
        ("saving [up] my pills", "saving( up)? my pills"),
        ("[i] [really] want to die", "(i )?(really )?want to die"),
        ("self-harm", "self harm"),
    ],
)
def test_a_plain_phrase_compiles_to_a_lexicon_pattern(phrase, pattern):
    assert phrase_to_pattern(phrase) == pattern


@pytest.mark.parametrize(
    ("phrase", "why"),
    [
        ("", "at least one word"),
        ("pills (now)", "cannot be used"),
        ("[maybe]", "must be required"),
        ("* *", "real word"),
        ("pills/", "no empty choice"),
        ("[saving pills", "needs its"),
    ],
)
def test_a_phrase_that_cannot_be_used_says_why(phrase, why):
    with pytest.raises(PhraseError, match=why):
        phrase_to_pattern(phrase)


def test_wildcards_variants_and_spelling_match_what_patients_write():
    script = script_with(spec("saving * pills/meds [for later]"))
    for text in ("I keep saving all my meds", "savin my pillz for later", "SAVING UP PILLS"):
        assert "en.suicide.test" in {s.rule_id for s in engine.scan(text, script)}, text
    assert not engine.scan("saving money for a trip", script)


def test_examples_are_checked_through_the_whole_scan():
    good = spec("saving up my pills", examples=(
        {"text": "I've been saving up my pills", "match": True},
        {"text": "I'm not saving up my pills", "match": False},  # the negation cancels it
    ))  # fmt: skip
    bad = spec("hoarding pills", key="en.suicide.bad",
               examples=({"text": "I keep my pills in a box", "match": True},))  # fmt: skip
    checks = check_examples(script_with(good, bad), [good, bad])

    assert [(c.key, c.ok) for c in checks] == [
        ("en.suicide.test", True),
        ("en.suicide.test", True),
        ("en.suicide.bad", False),
    ]


def test_overrides_change_remove_and_add_in_place():
    a, b, c = spec("one", key="a"), spec("two", key="b"), spec("three", key="c")
    merged = apply_overrides(
        [a, b, c],
        [
            Override("b", None),
            Override("a", spec("uno", key="a")),
            Override("d", spec("four", key="d")),
        ],
    )
    assert [(s.key, s.phrase) for s in merged] == [("a", "uno"), ("c", "three"), ("d", "four")]


def test_the_content_hash_ignores_labels_but_not_a_phrase():
    doc = build_document(SHIPPED, [spec("saving up my pills")], version="north-v1")
    relabelled = {**doc, "version": "north-v2", "title": "another title"}
    changed = build_document(SHIPPED, [spec("saving up my meds")], version="north-v1")

    assert content_hash(doc) == content_hash(relabelled)
    assert content_hash(doc) != content_hash(changed)


def test_thresholds_are_changed_by_rule_id_and_unknown_ones_refused():
    doc = build_document(SHIPPED, [spec("x y z")], thresholds={"gad7.total_urgent": 12})
    assert next(r for r in doc["rules"] if r["id"] == "gad7.total_urgent")["when"] == {
        "screener": "gad7",
        "total_at_least": 12,
    }
    with pytest.raises(ValueError, match="no_such_rule"):
        build_document(SHIPPED, [], thresholds={"no_such_rule": 3})


def test_helpers_for_authors():
    assert phrase_key("en", "suicide", "I've been saving", {"en.suicide.ive_been_saving"}) == (
        "en.suicide.ive_been_saving_2"
    )
    spelling = SHIPPED["lexicon"]["languages"]["en"]["spelling"]
    assert "pilz" in spelling_variants("my pills", spelling)["pills"]
    assert plain_phrase_of("(pills|meds) saved") == "pills/meds saved"
    assert plain_phrase_of(r"pills? (\w+ )saved") is None
