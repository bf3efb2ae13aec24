"""Which django-auditlog change-history entries describe patients, and how to mask them.

django-auditlog copies a model's field values and its ``str()`` into ``LogEntry``
(``changes``, ``object_repr``), so an entry about a crisis signal reads "Created
suicide (en.suicide.ideation.kill_self)" and an intake's entry holds its age band
and gender. Those are clinical data. The admin of the change history
(``audit.admin.ChangeHistoryAdmin``) therefore:

* hides them from anyone without ``accounts.read_phi`` (auditors, administrators,
  superusers without a clinical role): they see who changed which kind of record and
  when, never what it says. Hiding, not auditing, because these roles have no
  clinical need to read patient data at all (the role table in the README); an
  access event would only document a read that should not happen;
* shows them to a holder of ``accounts.read_phi`` and records an access event, like
  any other read of PHI.

Clinical means: every model of the apps below, except the configuration models
listed (no patient in them). A model registered with auditlog later in one of these
apps is hidden until someone decides otherwise (fail closed).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Apps whose change history can describe a patient (content type app labels; audit
# imports no domain app, so they are named, not imported).
CLINICAL_APPS = frozenset({"intake", "cases", "triage", "messaging", "paging"})

# Change-logged models of those apps that hold configuration, not patients: consent
# texts, triage scripts, on-call schedules and escalation policies.
CONFIGURATION_MODELS = frozenset(
    {
        "intake.consentdocument",
        "triage.triagescript",
        "paging.escalationpolicy",
        "paging.escalationstep",
        "paging.oncallschedule",
        "paging.rotationmember",
        "paging.shiftoverride",
        "paging.webhookendpoint",
        "paging.smsaccount",
    }
)

HIDDEN = _("(hidden: clinical record)")
HIDDEN_CHANGES = _("Hidden: reading patient information needs the read-PHI permission.")


def label_of(content_type: ContentType) -> str:
    return f"{content_type.app_label}.{content_type.model}"


def is_clinical(entry) -> bool:
    """True when the entry is about a clinical (patient) record."""
    content_type = entry.content_type
    return (
        content_type.app_label in CLINICAL_APPS
        and label_of(content_type) not in CONFIGURATION_MODELS
    )


def clinical_filter() -> Q:
    """A LogEntry filter matching the clinical entries."""
    configuration = Q()
    for label in CONFIGURATION_MODELS:
        app_label, model = label.split(".")
        configuration |= Q(content_type__app_label=app_label, content_type__model=model)
    return Q(content_type__app_label__in=CLINICAL_APPS) & ~configuration


def masked(entry):
    """The entry with every copied value blanked, in memory only (never saved: the
    table is append-only), so no template or ``str()`` can show them."""
    entry.object_repr = str(HIDDEN)
    entry.changes = {}
    entry.changes_text = ""
    entry.serialized_data = None
    entry.additional_data = None
    return entry


def patient_ref_of(entry) -> str:
    """The pseudonymous case reference of the record the entry is about, if it still
    exists (a case or intake carries it; a signal, override or consent via them)."""
    model = entry.content_type.model_class()
    if model is None:
        return ""
    try:
        target = model._base_manager.filter(pk=entry.object_pk).first()
    except (ValueError, ValidationError):
        return ""
    for path in ((), ("case",), ("intake",)):
        obj = target
        try:
            for name in path:
                obj = getattr(obj, name, None)
        except ObjectDoesNotExist:
            continue
        reference = getattr(obj, "reference", None)
        if isinstance(reference, str) and reference:
            return reference
    return ""
