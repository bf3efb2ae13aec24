"""Crisis paging: on-call schedules, escalation policies, pages and notifications.

The database drives escalation (``Page.next_action_at``); Celery only carries ids.
Entry point for other apps: ``paging.services.page_raise``.
"""
