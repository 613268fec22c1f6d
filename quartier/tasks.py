from celery import shared_task

from . import services


@shared_task(name="quartier.retention_purge")
def retention_purge() -> dict:
    """Delete bookings, event registrations and contact requests after their retention period."""
    return services.retention_purge()
