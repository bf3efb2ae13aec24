"""What happens to a page, told to whoever keeps a record of it.

Paging sits below cases and imports none of its modules; the case timeline is the
cases app's, so cases connects receivers (``cases/receivers.py``) that write its
rows. Django signals are synchronous: a receiver runs inside the transaction of
the change, so the timeline row commits with the change or not at all.

Every signal is sent with ``sender=Page`` and ``page``; ``actor`` is the person who
acted (None for the system or an acknowledge link's anonymous recipient).
"""

from django.dispatch import Signal

# A new page for ``page.case``.
page_raised = Signal()
# ``via``: "console", "link" (the acknowledge link or an action link).
page_acknowledged = Signal()
# Acknowledged, nobody acted before the timeout: escalation resumed.
page_lapsed = Signal()
# ``step`` (0-based) run at once, ``via``.
page_escalated = Signal()
# Handed to ``to`` (a user on call), ``via``.
page_reassigned = Signal()
# The next step held ``minutes`` until ``until``, ``via``.
page_snoozed = Signal()
# Closed with ``note``.
page_resolved = Signal()
# ``case`` (from the same source) joined ``page`` instead of paging again; ``matched``
# is the kind of source key shared ("address", "device", ...).
page_grouped = Signal()
