"""The public patient intake: consent, a multi-step form, submission, the status link.

Modules by capability: ``steps`` (order of the pages), ``forms``, ``screeners`` (the
screener wording, read from the engine's data), ``services`` (the write paths),
``status`` (the private status link and withdrawal), ``ratelimit`` and ``spamguard``
(abuse protection without third parties), ``hours`` (clinic hours), ``views`` and
``views_status`` (thin HTTP shells).
"""
