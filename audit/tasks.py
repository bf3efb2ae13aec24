from celery import shared_task

from audit import alerts, head_export, services


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=True,
             max_retries=5)  # fmt: skip
def export_chain_head() -> None:
    """Beat: write the chain head (sequence, hash, time) to AUDIT_HEAD_EXPORT."""
    head_export.export_head()


@shared_task(acks_late=True, ignore_result=True)
def verify_chain() -> bool:
    """Beat, daily: walk the chain and check the triggers; on a failure log it CRITICAL
    and e-mail the administrators."""
    report = services.verify_chain()
    if report.ok:
        report = (
            services.check_exported_head(head_export.last_exported_head())
            or services.check_triggers(report.count)
            or report
        )
    if not report.ok:
        alerts.alert_chain_broken(report)
    return report.ok
