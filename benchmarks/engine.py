"""Benchmark the triage engine per message, on one core, on real varied messages.

The messages are every row of the evaluation sets in tests/data (crisis_dev, crisis_eval,
crisis_holdout_2, crisis_holdout_3) and of the crisis corpus's validation split: short
chat lines and long letters, English, Spanish and both mixed, benign and crisis. Prints,
per message:

* intake triage: a whole intake with the crisis model (four screeners with seeded
  answers, the message and the next one as its two free texts, the script's rules),
  p50/p95/p99;
* crisis scan + model: the lexicon scan and the model's score (with its explanation and
  the matches' sentences read alone when the whole text is under the set-aside floor, as
  the scan of record runs it), p50/p95/p99;

and the time to compile the default script's lexicon from its document. Targets (issue
19): intake triage p99 <= 50 ms, crisis scan + model p95 <= 5 ms per message.

Times are CPU time of this thread (time.thread_time) with the process pinned to one CPU,
so the figures mean "per core" even when other processes share the machine.

    .venv/bin/python benchmarks/engine.py             # report
    .venv/bin/python benchmarks/engine.py --check     # also exit 1 if a target is missed
    .venv/bin/python benchmarks/engine.py --repeat 3  # time every message 3 times
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from triage.engine import CrisisModel, IntakeFacts, Script, default_script, scan, triage
from triage.engine.crisis_model import SHIPPED_MODEL_PATH, crisis_decision
from triage.engine.evaluation import load_cases

ROOT = Path(__file__).resolve().parent.parent
SETS = (
    *sorted((ROOT / "tests" / "data").glob("crisis_*.jsonl")),
    *sorted((ROOT / "data" / "crisis" / "validation").glob("*.jsonl")),
)
INTAKE_P99_TARGET = 50e-3
SCAN_MODEL_P95_TARGET = 5e-3


def messages() -> list[str]:
    return [row["text"] for path in SETS for row in load_cases(path)]


def percentile(times: Sequence[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def timed(work: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.thread_time()
        work()
        times.append(time.thread_time() - start)
    return times


def intake(rng: random.Random, texts: tuple[str, str]) -> IntakeFacts:
    asq = [rng.choice(["no", "no", "no", "yes"]) for _ in range(4)]
    cssrs_q2 = rng.choice(["no", "no", "yes"])
    return IntakeFacts(
        phq9=[rng.randint(0, 3) for _ in range(9)],
        gad7=[rng.randint(0, 3) for _ in range(7)],
        asq=[*asq, rng.choice(["no", "yes"])],
        cssrs=[
            rng.choice(["no", "yes"]),
            cssrs_q2,
            *([rng.choice(["no", "yes"]) for _ in range(3)] if cssrs_q2 == "yes" else [None] * 3),
            rng.choice(["no", "no", "yes_over_3_months", "yes_within_3_months"]),
        ],
        free_text=texts,
    )


def scan_and_score(text: str, script: Script, model: CrisisModel) -> bool:
    """The crisis decision on one text, as the engine takes it."""
    signals = scan(text, script)
    score = model.score(text, matches=[(s.start, s.end) for s in signals])
    return crisis_decision(bool(signals), score)


def compile_time() -> float:
    """CPU seconds to validate and compile the default script from its document."""
    document = default_script().to_dict()
    start = time.thread_time()
    Script.from_dict(document)
    return time.thread_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--repeat", type=int, default=1, help="times each message is timed")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    texts = messages()
    script = default_script()
    model = CrisisModel.from_bytes(SHIPPED_MODEL_PATH.read_bytes())
    compiled_in = compile_time()
    for text in texts[:50]:  # warm caches as a running worker has them
        scan_and_score(text, script, model)

    rng = random.Random(20261206)
    facts = [intake(rng, (text, texts[(i + 1) % len(texts)])) for i, text in enumerate(texts)]
    scan_model: list[float] = []
    intake_times: list[float] = []
    for text, fact in zip(texts, facts, strict=True):
        scan_model += timed(lambda t=text: scan_and_score(t, script, model), args.repeat)
        intake_times += timed(lambda f=fact: triage(f, script, model), args.repeat)

    def ms(x: float) -> str:
        return f"{x * 1e3:.2f} ms"

    def line(name: str, times: list[float]) -> str:
        qs = ", ".join(f"p{int(q * 100)} {ms(percentile(times, q))}" for q in (0.5, 0.95, 0.99))
        return f"  {name:<22} {qs}, max {ms(max(times))}"

    lengths = sorted(len(t) for t in texts)
    print(f"messages: {len(texts):,} from {len(SETS)} sets (tests/data crisis_*, validation split)")
    print(f"  length p50 {percentile(lengths, 0.5)}, max {lengths[-1]} characters")
    print(f"crisis model {model.version}; lexicon compiled in {compiled_in:.2f} s")
    print(f"per message, one core, CPU time ({args.repeat} timing(s) each):")
    print(line("intake triage", intake_times))
    print(line("crisis scan + model", scan_model))
    ok = (
        percentile(intake_times, 0.99) <= INTAKE_P99_TARGET
        and percentile(scan_model, 0.95) <= SCAN_MODEL_P95_TARGET
    )
    print(
        f"targets (intake triage p99 <= {ms(INTAKE_P99_TARGET)}, "
        f"crisis scan + model p95 <= {ms(SCAN_MODEL_P95_TARGET)}):",
        "met" if ok else "NOT met",
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
