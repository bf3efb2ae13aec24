"""The triage engine: pure Python, no Django. Screeners, crisis scan, advice detection, rules.

Everything here works on plain data and is safe to call from views, Celery tasks, the
admin (to validate a script before approval) and benchmarks alike.
"""

from .advice import AdviceRequest
from .crisis import SELF, THIRD_PARTY, Signal
from .crisis_model import (
    CrisisModel,
    CrisisModelError,
    ModelScore,
    concern_level,
    crisis_decision,
)
from .defaults import detect_medical_advice, scan
from .evaluation import Confusion, EvaluationReport, evaluate, format_table, load_cases
from .lexicon import CATEGORIES, CompiledLexicon, LexiconError, compile_lexicon
from .normalize import normalize
from .rules import MODEL_REASON_ID, IntakeFacts, Reason, TriageDecision, triage
from .rules_spec import (
    ACUITY_ORDER,
    EMERGENT,
    ROUTINE,
    SOON,
    URGENT,
    Acuity,
    acuity_rank,
    max_acuity,
)
from .screeners import (
    ScreenerInputError,
    ScreenerResult,
    score_asq,
    score_cssrs,
    score_gad7,
    score_phq9,
    screener_items,
)
from .script import REQUIRED_TEXTS, Script, ScriptError, default_script, validate_document

__all__ = [
    "ACUITY_ORDER",
    "CATEGORIES",
    "EMERGENT",
    "MODEL_REASON_ID",
    "REQUIRED_TEXTS",
    "ROUTINE",
    "SELF",
    "SOON",
    "THIRD_PARTY",
    "URGENT",
    "Acuity",
    "AdviceRequest",
    "CompiledLexicon",
    "Confusion",
    "CrisisModel",
    "CrisisModelError",
    "EvaluationReport",
    "IntakeFacts",
    "LexiconError",
    "ModelScore",
    "Reason",
    "ScreenerInputError",
    "ScreenerResult",
    "Script",
    "ScriptError",
    "Signal",
    "TriageDecision",
    "acuity_rank",
    "compile_lexicon",
    "concern_level",
    "crisis_decision",
    "default_script",
    "detect_medical_advice",
    "evaluate",
    "format_table",
    "load_cases",
    "max_acuity",
    "normalize",
    "scan",
    "score_asq",
    "score_cssrs",
    "score_gad7",
    "score_phq9",
    "screener_items",
    "triage",
    "validate_document",
]
