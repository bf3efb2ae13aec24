"""The shadow comparison on plain data: which cases a candidate script would change."""

import copy

from triage import engine
from triage.scripts.shadow import ShadowCase, shadow_changes


def test_a_case_whose_acuity_the_candidate_raises_is_listed_and_an_unchanged_one_is_not():
    current = engine.default_script()
    document = copy.deepcopy(current.to_dict())
    for rule in document["rules"]:
        if rule["id"] == "asq.non_acute_positive":
            rule["acuity"] = "emergent"
    candidate = engine.Script.from_dict(document)
    positive = engine.IntakeFacts(asq=["yes", "no", "no", "no", "no"])
    cases = [ShadowCase("R-1", positive, current), ShadowCase("R-2", engine.IntakeFacts(), current)]

    count, changes = shadow_changes(cases, candidate)

    assert count == 2
    assert [(c.reference, c.acuity_before, c.acuity_after) for c in changes] == [
        ("R-1", "urgent", "emergent")
    ]
