"""Crisis signals grouped per sentence, with plain names and never rule ids (issue 17)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from cases.models import CaseEvent, CrisisSignal
from console.signal_groups import group_signals, sentence_bounds
from intake.submission import case_open_from_intake
from tests.factories.cases import make_intake, make_team
from tests.factories.console import signed_in

# One sentence that fires three rules (ideation, and a plan twice) and the crisis model.
TEXT = (
    "I have been feeling low for weeks. "
    "I want to kill myself, I bought a rope and I will do it tonight. Please call."
)
SENTENCE = "I want to kill myself, I bought a rope and I will do it tonight."


def signal(start, end, *, category="suicide", subtype="ideation", source="intake_text", **kw):
    return CrisisSignal(
        source=source,
        source_id="a",
        category=category,
        subtype=subtype,
        severity="high",
        rule_id=f"en.{category}.{subtype}.x",
        span_start=start,
        span_end=end,
        **kw,
    )


def test_sentences_cover_the_text_end_to_end():
    text = "One. Two?  Three!\nFour… «five»"

    bounds = sentence_bounds(text)

    assert [text[s:e].strip() for s, e in bounds] == ["One.", "Two?", "Three!", "Four…", "«five»"]
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)


def test_signals_of_one_sentence_are_one_item_with_each_plain_name_once():
    start = TEXT.index("kill myself")
    plan = TEXT.index("bought a rope")
    signals = [
        signal(start, start + 11),
        signal(plan, plan + 13, subtype="plan"),
        signal(TEXT.index("do it tonight"), TEXT.index("do it tonight") + 13, subtype="plan"),
        signal(2, 6, subtype="ideation"),  # "have": another sentence, another item
    ]

    groups = group_signals(signals, lambda s: TEXT)

    assert len(groups) == 2
    first, second = groups
    assert "".join(seg.text for seg in first.segments) == "I have been feeling low for weeks."
    assert "".join(seg.text for seg in second.segments) == SENTENCE
    assert [seg.text for seg in second.segments if seg.marked] == [
        "kill myself",
        "bought a rope",
        "do it tonight",
    ]
    assert second.names == ["Suicide: thoughts of suicide", "Suicide: a plan"]
    assert len(second.signals) == 3


def test_a_signal_without_a_sentence_is_an_item_of_its_own():
    screener = signal(None, None, source="screener", matched="PHQ-9 item 9 answered above 0")
    staff = signal(None, None, source="staff", category="abuse", subtype="", matched="Hit at home")

    groups = group_signals([screener, staff], lambda s: None)

    assert [g.words for g in groups] == ["PHQ-9 item 9 answered above 0", "Hit at home"]
    assert [g.names for g in groups] == [["Suicide: screener answer"], ["Abuse or neglect"]]


def test_a_third_party_signal_says_so():
    (group,) = group_signals([signal(0, 4, subject="third_party")], lambda s: TEXT)

    assert group.names == ["Suicide: thoughts of suicide (about someone else)"]


def test_a_group_reviewed_in_part_says_so():
    one, two = signal(0, 4), signal(5, 9, review=CrisisSignal.Review.TRUE_POSITIVE)

    (group,) = group_signals([one, two], lambda s: TEXT)

    assert group.review == "mixed"


# ---- the case page ---------------------------------------------------------------------------


@pytest.fixture
def crisis_case(db):
    team = make_team("north")
    case = case_open_from_intake(intake=make_intake(team=team, reason=TEXT)).case
    return team, case


def _signals_section(html: str) -> str:
    start = html.index('id="signals-title"')
    return html[start : html.index("</section>", start)]


def test_the_case_page_shows_one_item_per_sentence_in_plain_words(client, crisis_case):
    team, case = crisis_case
    signed_in(client, Role.NURSE, team)
    rule_ids = set(case.signals.values_list("rule_id", flat=True))
    assert len(case.signals.filter(span_start__gte=TEXT.index(SENTENCE))) >= 3  # one sentence

    html = client.get(reverse("console:case", args=[case.pk])).content.decode()

    section = _signals_section(html)
    items = re.findall(r'<li class="signal-group".*?</form>', section, flags=re.S)
    assert len(items) == 1, "one sentence, one item to review"
    (item,) = items
    assert "<mark>kill myself</mark>" in item
    for name in ("Suicide: thoughts of suicide", "Suicide: a plan", "Crisis model: high concern"):
        assert item.count(f"<li>{name}</li>") == 1
    assert item.count('name="signal"') == case.signals.count()
    # The why, in plain words, before anything else on the page.
    assert html.index('id="case-why"') < html.index('id="case-actions"')
    for rule_id in rule_ids | {"en.suicide", "model.concern"}:
        assert rule_id not in html


def test_one_review_covers_every_signal_of_the_sentence(client, crisis_case):
    team, case = crisis_case
    nurse = signed_in(client, Role.NURSE, team)
    ids = [str(pk) for pk in case.signals.values_list("pk", flat=True)]

    response = client.post(
        reverse("console:case_signals_review", args=[case.pk]),
        {"signal": ids, "review": "false_positive"},
    )

    assert response.status_code == 303
    assert set(case.signals.values_list("review", "reviewed_by")) == {("false_positive", nurse.pk)}
    html = client.get(reverse("console:case", args=[case.pk])).content.decode()
    timeline = html[html.index('id="timeline-title"') :]
    assert "“Suicide: a plan” marked False positive by" in timeline
    assert "en.suicide" not in html


def test_a_group_review_touches_only_the_cases_own_signals(client, crisis_case):
    team, case = crisis_case
    other = case_open_from_intake(intake=make_intake(team=make_team("south"), reason=TEXT)).case
    signed_in(client, Role.NURSE, team)

    response = client.post(
        reverse("console:case_signals_review", args=[case.pk]),
        {
            "signal": [str(s.pk) for s in other.signals.all()] + ["not-a-uuid"],
            "review": "true_positive",
        },
    )

    assert response.status_code == 404
    assert not CrisisSignal.objects.exclude(review="unreviewed").exists()
    assert not CaseEvent.objects.filter(kind="signal_review").exists()
