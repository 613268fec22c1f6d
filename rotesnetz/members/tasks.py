"""Thin Celery tasks: primitive ids in, fetch, return quietly if the row is gone."""

from celery import shared_task
from django.urls import reverse

from .mail import send_templated_mail
from .models import Membership, MembershipRequest, MembershipRole, RequestStatus


@shared_task(name="members.send_membership_decision", autoretry_for=(OSError,), retry_backoff=True)
def send_membership_decision(*, request_id: int) -> None:
    request = (
        MembershipRequest.objects.select_related("user", "gliederung")
        .filter(pk=request_id)
        .exclude(status=RequestStatus.PENDING)
        .first()
    )
    if request is None:
        return
    send_templated_mail(
        to=request.user.email,
        template="membership_decision",
        context={
            "request": request,
            "accepted": request.status == RequestStatus.ACCEPTED,
            "user": request.user,
            "gliederung": request.gliederung,
            "path": reverse("members:mein_netz"),
        },
    )


@shared_task(
    name="members.notify_vorstand_of_request", autoretry_for=(OSError,), retry_backoff=True
)
def notify_vorstand_of_request(*, request_id: int) -> None:
    request = (
        MembershipRequest.objects.select_related("user", "gliederung")
        .filter(pk=request_id, status=RequestStatus.PENDING)
        .first()
    )
    if request is None:
        return
    vorstand = Membership.objects.filter(
        gliederung=request.gliederung, role=MembershipRole.VORSTAND
    ).select_related("user")
    for membership in vorstand:
        send_templated_mail(
            to=membership.user.email,
            template="membership_request_new",
            context={
                "request": request,
                "gliederung": request.gliederung,
                "path": reverse("members:gliederung", args=[request.gliederung.slug]),
            },
        )
