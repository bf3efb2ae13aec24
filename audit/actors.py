"""How the audit trail describes and judges the people in it.

Audit imports no other app of the project; the accounts app, which owns roles, plugs
its own answers in when it starts (``accounts.apps``). Until it does, the answers are
the safe ones: the group names, and nobody may read PHI.
"""

from __future__ import annotations

from collections.abc import Callable

_role_label: Callable[[object], str] = lambda user: ",".join(  # noqa: E731
    sorted(user.groups.values_list("name", flat=True))
)
_can_read_phi: Callable[[object], bool] = lambda user: False  # noqa: E731


def configure(*, role_label: Callable[[object], str], can_read_phi: Callable[[object], bool]):
    global _role_label, _can_read_phi
    _role_label, _can_read_phi = role_label, can_read_phi


def role_label(user) -> str:
    """The actor's roles at this moment, copied into each event."""
    return _role_label(user)


def can_read_phi(user) -> bool:
    return _can_read_phi(user)
