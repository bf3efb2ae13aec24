"""How well a crisis model does on labelled text: lexicon, model and the combined decision.

``evaluate_rows`` is used by the validation report (stored on the model record),
``manage.py crisis_model evaluate``, ``triage_evaluate`` and the CI guard, so every
figure quoted anywhere comes from the same code.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from triage import engine
from triage.engine.crisis_model import crisis_decision
from triage.engine.evaluation import Confusion
from triage.engine.model_metrics import (
    average_precision,
    expected_calibration_error,
    reliability,
    roc_auc,
    wilson_interval,
)

MIN_GROUP = 10  # groups smaller than this are hidden (too few to mean anything)
UNKNOWN = "unknown"


def _figures(
    labels: Sequence[bool], lexicon: Sequence[bool], scores: Sequence[engine.ModelScore]
) -> dict[str, Any]:
    probabilities = [s.probability for s in scores]
    model = [s.flagged for s in scores]
    combined = [crisis_decision(lx, s) for lx, s in zip(lexicon, scores, strict=True)]

    def confusion(predicted: Sequence[bool]) -> dict[str, Any]:
        c = Confusion()
        for y, p in zip(labels, predicted, strict=True):
            c = c.add("crisis" if y else "no_crisis", p)
        return {
            **c.to_dict(),
            "sensitivity_ci": wilson_interval(c.tp, c.tp + c.fn),
            "specificity_ci": wilson_interval(c.tn, c.tn + c.fp),
        }

    return {
        **confusion(combined),
        "auc": roc_auc(labels, probabilities),
        "pr_auc": average_precision(labels, probabilities),
        "ece": expected_calibration_error(labels, probabilities),
        "lexicon": confusion(lexicon),
        "model": {
            **confusion(model),
            "auc": roc_auc(labels, probabilities),
            "pr_auc": average_precision(labels, probabilities),
            "ece": expected_calibration_error(labels, probabilities),
        },
    }


def _group_key(row: Mapping[str, Any], field: str) -> str:
    value = row.get(field)
    return str(value) if value else UNKNOWN


def evaluate_rows(
    rows: Iterable[Mapping[str, Any]],
    model: engine.CrisisModel,
    script: engine.Script | None = None,
) -> dict[str, Any]:
    """Figures overall, by language, by category (crisis rows), by kind (non-crisis
    rows) and by age band; groups under ten rows are left out."""
    rows = list(rows)
    script = script or engine.default_script()
    labels = [row["label"] == "crisis" for row in rows]
    signals = [engine.scan(row["text"], script) for row in rows]
    lexicon = [bool(found) for found in signals]
    # Scored as at runtime, with the matches' spans: the same set-aside decision.
    scores = [
        model.score(row["text"], explain=False, matches=[(s.start, s.end) for s in found])
        for row, found in zip(rows, signals, strict=True)
    ]
    probabilities = [s.probability for s in scores]
    report = {
        "model_version": model.version,
        "threshold": model.threshold,
        "set_aside_below": model.set_aside_below,
        **_figures(labels, lexicon, scores),
        "reliability": [
            {
                "lower": b.lower,
                "upper": b.upper,
                "count": b.count,
                "mean_probability": b.mean_probability,
                "crisis_rate": b.crisis_rate,
            }
            for b in reliability(labels, probabilities)
        ],
    }
    for field, name in (
        ("language", "by_language"),
        ("category", "by_category"),
        ("kind", "by_kind"),
        ("age_band", "by_age_band"),
    ):
        groups: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            if (field == "category" and not labels[i]) or (field == "kind" and labels[i]):
                continue
            groups.setdefault(_group_key(row, field), []).append(i)
        report[name] = {
            key: _figures(
                [labels[i] for i in idx], [lexicon[i] for i in idx], [scores[i] for i in idx]
            )
            for key, idx in sorted(groups.items())
            if len(idx) >= MIN_GROUP
        }
    return report


def reliability_png(report: Mapping[str, Any], title: str) -> bytes:
    """The reliability diagram of a report, as a PNG (matplotlib, no display needed)."""
    # Imported here: matplotlib costs a second at start-up and only validation draws;
    # the Agg backend must be chosen before pyplot is imported.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    bins = [b for b in report["reliability"] if b["count"]]
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    ax.plot([0, 1], [0, 1], linestyle="--", color="#555", label="perfect calibration")
    ax.plot(
        [b["mean_probability"] for b in bins],
        [b["crisis_rate"] for b in bins],
        marker="o",
        color="#0b5394",
        label="this model",
    )
    for b in bins:
        ax.annotate(
            str(b["count"]),
            (b["mean_probability"], b["crisis_rate"]),
            textcoords="offset points",
            xytext=(4, -10),
            fontsize=7,
        )
    ax.set_xlabel("predicted probability of crisis")
    ax.set_ylabel("share that were crisis")
    ax.set_title(title, fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value * 100:6.1f}"


def format_report(report: Mapping[str, Any]) -> str:
    """A table a person reads: lexicon, model and combined, overall and per group."""
    head = f"{'group':<28}{'n':>6}{'':>2}{'lexicon sens/spec':>20}{'model sens/spec':>18}"
    head += f"{'combined sens/spec':>21}{'auc':>7}{'ece':>7}"
    lines = [head, "-" * len(head)]

    def row(name: str, f: Mapping[str, Any]) -> str:
        lx, md = f["lexicon"], f["model"]
        auc = "   n/a" if f["auc"] is None else f"{f['auc']:6.3f}"
        ece = "   n/a" if f["ece"] is None else f"{f['ece']:6.3f}"
        return (
            f"{name:<28}{f['n']:>6}  {_pct(lx['sensitivity'])}/{_pct(lx['specificity'])}      "
            f"{_pct(md['sensitivity'])}/{_pct(md['specificity'])}    "
            f"{_pct(f['sensitivity'])}/{_pct(f['specificity'])} {auc} {ece}"
        )

    lines.append(row("overall", report))
    for name, label in (
        ("by_language", "language"),
        ("by_category", "category"),
        ("by_kind", "no-crisis kind"),
        ("by_age_band", "age"),
    ):
        for key, figures in report.get(name, {}).items():
            lines.append(row(f"{label} {key}"[:28], figures))
    return "\n".join(lines)
