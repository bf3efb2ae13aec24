"""Model fields that keep PHI encrypted in the database.

Values are sealed when the row is saved and opened lazily when the attribute is first
read, so a queue page that never touches a PHI column never decrypts anything. The
associated data is ``table|primary key|column``: models using these fields need a
primary key that exists before the first save (a UUID default).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from lib import phi


class Sealed(str):
    """Ciphertext as loaded from the database, not yet opened."""

    __slots__ = ()


class EncryptedAttribute(DeferredAttribute):
    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedMixin:
    descriptor_class = EncryptedAttribute

    def aad(self, instance) -> bytes:
        if instance.pk is None:
            raise ValueError(f"{type(instance).__name__} needs its primary key before sealing PHI.")
        return f"{instance._meta.db_table}|{instance.pk}|{self.column}".encode()

    def to_plaintext(self, value: Any) -> str:
        return str(value)

    def from_plaintext(self, text: str) -> Any:
        return text

    def open(self, instance, token: str) -> Any:
        return self.from_plaintext(phi.open_sealed(token, self.aad(instance)))

    def from_db_value(self, value, expression, connection):
        # A blank value is stored blank (pre_save does not seal ""): nothing to open.
        if value is None or value == "":
            return value
        return Sealed(value)

    def to_python(self, value):
        return value

    def pre_save(self, model_instance, add: bool):
        value = getattr(model_instance, self.attname)
        if value is None or (value == "" and not isinstance(self, EncryptedJSONField)):
            return value
        return phi.seal(self.to_plaintext(value), self.aad(model_instance))

    def get_db_prep_save(self, value, connection):
        # Only pre_save() produces sealed values: QuerySet.update(field=plaintext) would
        # otherwise write PHI in clear, so it is refused.
        if value not in (None, "") and not phi.is_sealed(value):
            raise ValueError(f"{self.name} holds PHI: set it on the instance and save().")
        return value

    def get_prep_value(self, value):
        return value

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None  # no equality or text search on ciphertext; use a blind index
        return super().get_lookup(lookup_name)

    def value_to_string(self, obj) -> str:
        # Serialization (dumpdata) keeps the ciphertext, never the plaintext.
        return obj.__dict__.get(self.attname) or ""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text, names, contact details."""


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """Structured PHI (screener answers, triage reasons), stored as sealed JSON text."""

    def to_plaintext(self, value: Any) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)

    def from_plaintext(self, text: str) -> Any:
        return json.loads(text)
