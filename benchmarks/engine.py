"""Benchmark the triage engine on one core.

Prints how many 500-character messages the crisis scan handles per second (a mix of
benign and crisis text, English and Spanish), the p50/p95 time of the crisis model on
one message (with its explanation, as the scan of record runs it) and of the whole crisis
decision (lexicon + model), on the validation split's real messages and on 500-character
ones, and the mean and p95 time to triage a whole intake with the model (four screeners
+ two free texts + rules). Targets: model p95 <= 2 ms, lexicon + model p95 <= 5 ms per
message, intake p95 < 5 ms.

Times are CPU time of this thread (time.thread_time), so the figures mean "per core" even
when other processes share the machine; on an idle machine wall time is the same.

    .venv/bin/python benchmarks/engine.py           # report
    .venv/bin/python benchmarks/engine.py --check   # also exit 1 if a target is missed
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from triage.crisis_models.corpus import load_split
from triage.engine import CrisisModel, IntakeFacts, default_script, scan, triage
from triage.engine.crisis_model import SHIPPED_MODEL_PATH

MESSAGE_LENGTH = 500
CRISIS_SHARE = 0.2  # intake messages are mostly benign; crisis ones take the slow path

BENIGN = [
    "I have been feeling tired and low for a few months and my sleep is all over the place.",
    "Work has been stressful and I would like to talk to someone about managing anxiety.",
    "Can I get an appointment next week? I am free most mornings before ten.",
    "My insurance changed in January, do I need a new referral from my doctor?",
    "This homework is killing me and I'm dying to see my friends this weekend.",
    "I'm not suicidal, I just need help with panic attacks on the bus.",
    "Me siento ansiosa y duermo mal desde que cambié de trabajo.",
    "¿Puedo cambiar mi cita al jueves por la tarde? Trabajo en las mañanas.",
    "Me muero de risa con mis hijos pero últimamente estoy muy cansada.",
    "My daughter has ADHD and we want to ask about therapy options for teens.",
]
CRISIS = [
    "Honestly I want to kill myself, I have been thinking about it every night.",
    "i took all my sleeping pills an hour ago and i feel really weird",
    "Ya no quiero vivir, tengo todo listo para esta noche.",
    "My husband hits me when he drinks and I'm scared to go home.",
    "k i l l myself tonight, I mean it",
    "Mi hermano dice que se quiere matar y no sé qué hacer.",
]


def message(rng: random.Random, crisis: bool) -> str:
    parts: list[str] = []
    if crisis:
        parts.append(rng.choice(CRISIS))
    while sum(len(p) + 1 for p in parts) < MESSAGE_LENGTH:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(BENIGN))
    return " ".join(parts)[:MESSAGE_LENGTH]


def bench_scan(rng: random.Random, n: int = 20_000) -> tuple[float, float]:
    msgs = [message(rng, rng.random() < CRISIS_SHARE) for _ in range(2_000)]
    flagged = sum(1 for m in msgs if scan(m))  # also warms the lexicon cache
    start = time.thread_time()
    for i in range(n):
        scan(msgs[i % len(msgs)])
    elapsed = time.thread_time() - start
    return n / elapsed, flagged / len(msgs)


def random_facts(rng: random.Random) -> IntakeFacts:
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
        free_text=(message(rng, rng.random() < CRISIS_SHARE), rng.choice(BENIGN)),
        language=rng.choice(["en", "es"]),
    )


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return times[len(times) // 2], times[int(len(times) * 0.95)]


def bench_model(model: CrisisModel, texts: list[str]) -> tuple[tuple, tuple]:
    """p50/p95 of the model alone and of lexicon + model, per message (seconds)."""
    script = default_script()
    for text in texts[:50]:
        model.score(text)
    alone, both = [], []
    for text in texts:
        start = time.thread_time()
        model.score(text)
        middle = time.thread_time()
        scan(text, script)
        alone.append(middle - start)
        both.append(time.thread_time() - start)
    return percentiles(alone), percentiles(both)


def bench_triage(rng: random.Random, model: CrisisModel, n: int = 3_000) -> tuple[float, float]:
    script = default_script()
    facts = [random_facts(rng) for _ in range(n)]
    triage(facts[0], script, model)
    times = []
    for f in facts:
        start = time.thread_time()
        triage(f, script, model)
        times.append(time.thread_time() - start)
    return statistics.fmean(times), percentiles(times)[1]


def main() -> int:
    rng = random.Random(20251123)
    start = time.perf_counter()
    model = CrisisModel.from_bytes(SHIPPED_MODEL_PATH.read_bytes())
    loaded = time.perf_counter() - start
    per_second, flagged = bench_scan(rng)
    validation = [row["text"] for row in load_split("validation")]
    long_texts = [message(rng, rng.random() < CRISIS_SHARE) for _ in range(2_000)]
    (m50, m95), (b50, b95) = bench_model(model, validation)
    (l50, l95), (lb50, lb95) = bench_model(model, long_texts)
    mean, p95 = bench_triage(rng, model)

    def ms(x: float) -> str:
        return f"{x * 1e3:.3f} ms"

    print(
        f"crisis model {model.version}: {model.vocabulary_size:,} terms, loaded in {loaded:.2f} s"
    )
    print(
        f"lexicon scan: {per_second:,.0f} messages/s on one core ({MESSAGE_LENGTH}-char messages,"
    )
    print(f"             {CRISIS_SHARE:.0%} with crisis text; {flagged:.0%} flagged)")
    print(f"validation split ({len(validation)} real messages), per message:")
    print(f"  model p50 {ms(m50)}, p95 {ms(m95)};  lexicon + model p50 {ms(b50)}, p95 {ms(b95)}")
    print(f"{MESSAGE_LENGTH}-character messages ({len(long_texts)}), per message:")
    print(f"  model p50 {ms(l50)}, p95 {ms(l95)};  lexicon + model p50 {ms(lb50)}, p95 {ms(lb95)}")
    print(f"triage of a whole intake with the model: mean {ms(mean)}, p95 {ms(p95)}")
    ok = max(m95, l95) <= 2e-3 and max(b95, lb95) <= 5e-3 and p95 < 5e-3
    print("targets (model p95 <= 2 ms, lexicon + model p95 <= 5 ms, intake p95 < 5 ms):",
          "met" if ok else "NOT met")  # fmt: skip
    return 0 if ok or "--check" not in sys.argv else 1


if __name__ == "__main__":
    raise SystemExit(main())
