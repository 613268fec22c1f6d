"""Celery tasks: thin adapters that take ids and call a service (they may run twice)."""

from celery import shared_task

from . import services
from .models import Conference


@shared_task(name="konferenzen.dispatch_due")
def dispatch_due() -> dict:
    """Every minute (beat): hand out what is due."""
    work = services.due_work()
    for conference_id in work["dial_in"]:
        dispatch_dial_in.delay(conference_id=conference_id)
    for conference_id in work["changes"]:
        notify_changes.delay(conference_id=conference_id)
    for conference_id in work["reminders"]:
        send_reminders.delay(conference_id=conference_id)
    for conference_id in work["briefings"]:
        send_briefing.delay(conference_id=conference_id)
    return {name: len(ids) for name, ids in work.items()}


@shared_task(name="konferenzen.dispatch_dial_in", acks_late=True)
def dispatch_dial_in(*, conference_id: int) -> int:
    if not Conference.objects.filter(pk=conference_id).exists():
        return 0
    return services.dial_in_dispatch(conference_id=conference_id)


@shared_task(name="konferenzen.notify_changes", acks_late=True)
def notify_changes(*, conference_id: int) -> int:
    if not Conference.objects.filter(pk=conference_id).exists():
        return 0
    return services.changes_notify(conference_id=conference_id)


@shared_task(name="konferenzen.send_reminders", acks_late=True)
def send_reminders(*, conference_id: int) -> int:
    if not Conference.objects.filter(pk=conference_id).exists():
        return 0
    return services.reminders_send(conference_id=conference_id)


@shared_task(name="konferenzen.send_briefing", acks_late=True)
def send_briefing(*, conference_id: int) -> int:
    if not Conference.objects.filter(pk=conference_id).exists():
        return 0
    return services.briefing_send(conference_id=conference_id)
