"""Re-encrypt every PHI value under the first key of PHI_KEYS.

Rotation without downtime:
  1. put the new key first in PHI_KEYS, keep the old ones after it, restart the
     processes (new writes use the new key; every key listed still decrypts);
  2. run ``manage.py rotate_phi_keys`` (safe to run again: values already under the
     first key are left alone; rows are locked batch by batch, so it runs alongside
     the web and the workers);
  3. when it reports 0 values re-encrypted, remove the old key and restart.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from lib import phi
from lib.fields import EncryptedMixin, Sealed


def encrypted_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]


def models_with_phi() -> list:
    """Every installed model with at least one encrypted field (discovered, not listed)."""
    return [m for m in apps.get_models() if encrypted_fields(m)]


def _stale(instance, field, key_id: str) -> bool:
    raw = instance.__dict__.get(field.attname)
    return isinstance(raw, Sealed) and phi.key_id_of(raw) != key_id


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field of every model under the first PHI key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        key_id = phi.active_key_id()
        self.stdout.write(f"Re-encrypting PHI under key {key_id!r}.")
        total_rows = total_values = 0
        for model in models_with_phi():
            rows, values = self.rotate_model(model, key_id, batch_size)
            total_rows += rows
            total_values += values
            self.stdout.write(
                f"{model._meta.label}: {rows} rows checked, {values} values re-encrypted"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {total_rows} rows checked, {total_values} values re-encrypted."
            )
        )

    def rotate_model(self, model, key_id: str, batch_size: int) -> tuple[int, int]:
        fields = encrypted_fields(model)
        names = [f.attname for f in fields]
        manager = model._base_manager
        rows = values = 0
        last_pk = None
        while True:
            with transaction.atomic():
                batch = manager.order_by("pk").only("pk", *names)
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                batch = list(batch.select_for_update(of=("self",))[:batch_size])
                if not batch:
                    break
                for instance in batch:
                    stale = [f for f in fields if _stale(instance, f, key_id)]
                    for field in stale:
                        getattr(instance, field.attname)  # opens it with its old key
                    if stale:
                        instance.save(update_fields=[f.attname for f in stale])
                        values += len(stale)
                rows += len(batch)
                last_pk = batch[-1].pk
        return rows, values
