from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name="outbox.send_batch", acks_late=True)
def send_batch(*, ids: list[int]) -> dict:
    return services.outbound_send_batch(ids=ids)


@shared_task(name="outbox.sweep")
def sweep() -> int:
    return services.outbound_sweep()


@shared_task(name="outbox.purge")
def purge() -> int:
    return services.outbound_purge(older_than_days=settings.OUTBOX_RETENTION_DAYS)
