from celery import shared_task

from . import services


@shared_task(name="rooms.send_mention_digests")
def send_mention_digests() -> int:
    return services.mention_digests_send()


@shared_task(name="rooms.purge_presence")
def purge_presence() -> int:
    return services.presence_purge()
