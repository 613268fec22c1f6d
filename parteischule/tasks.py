"""Periodic tasks of the Parteischule (Celery beat, see CELERY_BEAT_SCHEDULE). Thin adapters."""

from celery import shared_task

from . import services


@shared_task(name="parteischule.send_reminders")
def send_reminders() -> int:
    return services.reminders_send()


@shared_task(name="parteischule.release_reserved_seats")
def release_reserved_seats() -> int:
    return services.reserved_seats_release()
