from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CrisisPhrase(models.Model):
    """One crisis phrase (or idiom) of one script version, in plain words, with examples.

    In a base version the rows are the whole lexicon. In a team version they are the
    team's own changes: a key the base does not have is an addition, one it has
    replaces the base phrase, and ``removed`` takes the base phrase out.
    """

    class Kind(models.TextChoices):
        CRISIS = "crisis", _("Crisis phrase")
        IDIOM = "idiom", _("Not a crisis (an everyday saying)")

    class WhoseRisk(models.TextChoices):
        SELF = "self", _("The patient")
        OTHER = "other", _("Someone else (the patient reports it)")
        CHILD = "child", _("A child")
        FROM_SOMEONE = "from_someone", _("The patient, from someone else (abuse)")
        AUTO = "auto", _("Decided from the sentence")

    script = models.ForeignKey(
        "triage.TriageScript", on_delete=models.CASCADE, related_name="phrases"
    )
    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CRISIS)
    language = models.CharField(max_length=8)
    phrase = models.CharField(max_length=300, blank=True)
    pattern = models.TextField(
        blank=True, help_text=_("Advanced: a pattern in the lexicon's regex dialect.")
    )
    category = models.CharField(max_length=32, blank=True)
    subtype = models.CharField(max_length=32, blank=True)
    severity = models.CharField(max_length=8, blank=True)
    whose_risk = models.CharField(max_length=16, choices=WhoseRisk.choices, default="auto")
    negatable = models.BooleanField(default=True)
    hyperbole_prone = models.BooleanField(default=False)
    # [{"text": ..., "match": true|false}]: written by the author, never a patient's words.
    examples = models.JSONField(default=list, blank=True)
    removed = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["script", "key"], name="unique_phrase_key_per_script")
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def words(self) -> str:
        """What a person reads first: the phrase, or a note that it is a pattern."""
        return self.phrase or _("(advanced pattern, %(n)d characters)") % {"n": len(self.pattern)}
