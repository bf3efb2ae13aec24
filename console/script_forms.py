"""Forms of the script pages: a phrase with its examples, in plain words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from triage.engine.lexicon import CATEGORIES, SEVERITIES
from triage.models import CrisisPhrase

_CATEGORY_CHOICES = [("", _("(not a crisis: an everyday saying)"))] + [
    (f"{c}.{s}", f"{c.replace('_', ' ')}: {s.replace('_', ' ')}")
    for c, subtypes in CATEGORIES.items()
    for s in subtypes
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PhraseForm(forms.Form):
    phrase = forms.CharField(
        label=_("Phrase"),
        max_length=300,
        required=False,
        help_text=_(
            "Write it as a patient would. * stands for one to three words, word* for any "
            "ending, a/b for either word, [words] for words that may be left out. Case, "
            "accents, apostrophes and common misspellings are handled for you."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("en", "English"), ("es", "Español")]
    )
    kind = forms.ChoiceField(label=_("What it is"), choices=CrisisPhrase.Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=_CATEGORY_CHOICES, required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", "–")] + [(s, s) for s in SEVERITIES], required=False
    )
    whose_risk = forms.ChoiceField(
        label=_("Whose risk"), choices=CrisisPhrase.WhoseRisk.choices, initial="self"
    )
    must_match = forms.CharField(
        label=_("Examples it must match (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At least one. Write your own words, never a patient's."),
    )
    must_not_match = forms.CharField(
        label=_("Examples it must not match (one per line)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    negatable = forms.BooleanField(
        label=_("A negation just before it cancels it (“I’m not …”)"), required=False, initial=True
    )
    pattern = forms.CharField(
        label=_("Advanced pattern (regular expression; leave empty to use the phrase)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    note = forms.CharField(label=_("Note for reviewers"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("phrase") or "").strip() and not (data.get("pattern") or "").strip():
            self.add_error("phrase", _("Write the phrase (or an advanced pattern)."))
        if data.get("kind") == CrisisPhrase.Kind.CRISIS:
            if not data.get("category"):
                self.add_error("category", _("Choose the category of this crisis phrase."))
            if not data.get("severity"):
                self.add_error("severity", _("Choose how severe it is."))
        return data

    def fields_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        category, _dot, subtype = (d.get("category") or "").partition(".")
        examples = [{"text": t, "match": True} for t in _lines(d["must_match"])]
        examples += [{"text": t, "match": False} for t in _lines(d.get("must_not_match", ""))]
        return {
            "kind": d["kind"],
            "language": d["language"],
            "phrase": d["phrase"].strip(),
            "pattern": d["pattern"].strip(),
            "category": category,
            "subtype": subtype,
            "severity": d.get("severity") or "",
            "whose_risk": d["whose_risk"],
            "negatable": d["negatable"],
            "examples": examples,
            "note": d.get("note", ""),
        }

    @classmethod
    def initial_for(cls, row: Any) -> dict[str, Any]:
        """From a phrase row or an engine PhraseSpec (a base phrase a team changes)."""
        examples = list(row.examples or [])
        return {
            "phrase": row.phrase,
            "language": row.language,
            "kind": row.kind,
            "category": f"{row.category}.{row.subtype}" if row.category else "",
            "severity": row.severity,
            "whose_risk": row.whose_risk,
            "must_match": "\n".join(e["text"] for e in examples if e.get("match", True)),
            "must_not_match": "\n".join(e["text"] for e in examples if not e.get("match", True)),
            "negatable": row.negatable,
            "pattern": row.pattern,
            "note": getattr(row, "note", ""),
        }
