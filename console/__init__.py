"""The nurse console: the live queue, the audited case page and its actions.

Views are split by capability (``queue``, ``case_page``, ``actions``, ``break_glass``,
``supervisor``); they parse, call a service and render. State changes live in
``cases.actions``; access checks in ``cases.access``.
"""
