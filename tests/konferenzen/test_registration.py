"""Members register in one click, guests of public conferences with double opt-in."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from konferenzen import services
from konferenzen.enums import Audience, RegistrationStatus
from konferenzen.models import Registration
from konferenzen.signals import conference_registration_changed
from tests.support.factories import make_member, make_tree
from tests.support.konferenzen_factories import SECRET_DIAL_IN, make_conference

pytestmark = pytest.mark.django_db


def test_member_registers_in_one_click_and_gets_a_confirmation_with_calendar(
    tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"], audience=Audience.LANDESVERBAND)
    member = make_member(tree["ov"])

    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_register_member(
            conference_id=conference.pk, user=member
        )

    assert registration.status == RegistrationStatus.CONFIRMED
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == f"Du bist angemeldet: {conference.title}"
    filename, calendar, mimetype = message.attachments[0]
    assert filename == "konferenz.ics"
    assert "BEGIN:VEVENT" in calendar
    # The dial-in data comes later, not in the confirmation.
    assert SECRET_DIAL_IN["join_url"] not in calendar + message.body


def test_member_outside_the_audience_is_refused_in_german(tree):
    conference = make_conference(gliederung=tree["lv"], audience=Audience.LANDESVERBAND)
    outsider = make_member(tree["other_ov"])

    with pytest.raises(ValidationError) as error:
        services.registration_register_member(conference_id=conference.pk, user=outsider)

    assert error.value.messages == [
        f"Diese Konferenz ist nur für Mitglieder von {tree['lv'].name} offen."
    ]
    assert Registration.objects.count() == 0


def test_members_of_chosen_gliederungen_and_below_may_register(tree):
    conference = make_conference(gliederung=tree["lv"], audience=Audience.GLIEDERUNGEN)
    conference.audience_gliederungen.set([tree["ub"]])

    services.registration_register_member(conference_id=conference.pk, user=make_member(tree["ov"]))
    with pytest.raises(ValidationError):
        services.registration_register_member(
            conference_id=conference.pk, user=make_member(tree["other_ov"])
        )

    assert Registration.objects.count() == 1


def test_registration_after_the_deadline_is_refused_and_nothing_stored(tree):
    conference = make_conference(
        gliederung=tree["lv"], registration_deadline=timezone.now() - timedelta(minutes=1)
    )

    with pytest.raises(ValidationError) as error:
        services.registration_register_member(
            conference_id=conference.pk, user=make_member(tree["ov"])
        )

    assert error.value.messages[0].startswith("Der Anmeldeschluss war am ")
    assert Registration.objects.count() == 0


def test_registration_beyond_capacity_is_refused_and_nothing_stored(tree):
    conference = make_conference(gliederung=tree["lv"], capacity=1)
    services.registration_register_member(conference_id=conference.pk, user=make_member(tree["ov"]))

    with pytest.raises(ValidationError) as error:
        services.registration_register_member(
            conference_id=conference.pk, user=make_member(tree["ov"])
        )
    with pytest.raises(ValidationError):
        services.registration_register_guest(
            conference_id=conference.pk, email="gast@example.org", name="Gast"
        )

    assert error.value.messages == ["Leider sind alle 1 Plätze vergeben."]
    assert Registration.objects.count() == 1


def test_registration_for_a_cancelled_or_past_conference_is_refused(tree):
    cancelled = make_conference(gliederung=tree["lv"], status="cancelled")
    past = make_conference(gliederung=tree["lv"], starts_in=timedelta(days=-1))

    for conference in (cancelled, past):
        with pytest.raises(ValidationError):
            services.registration_register_member(
                conference_id=conference.pk, user=make_member(tree["ov"])
            )
    assert Registration.objects.count() == 0


def test_registering_twice_is_refused(tree):
    conference = make_conference(gliederung=tree["lv"])
    member = make_member(tree["ov"])
    services.registration_register_member(conference_id=conference.pk, user=member)

    with pytest.raises(ValidationError, match="schon angemeldet"):
        services.registration_register_member(conference_id=conference.pk, user=member)


def test_cancel_and_register_again_keeps_one_row_and_mails_again(
    tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    member = make_member(tree["ov"])
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_register_member(
            conference_id=conference.pk, user=member
        )
        services.registration_cancel(registration_id=registration.pk)
        services.registration_register_member(conference_id=conference.pk, user=member)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.round == 2
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 2


def test_registration_changes_send_the_hook_signal_after_commit(
    tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    member = make_member(tree["ov"])
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["conference_id"], kwargs["user_id"], kwargs["active"]))

    conference_registration_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            registration = services.registration_register_member(
                conference_id=conference.pk, user=member
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_cancel(registration_id=registration.pk)
    finally:
        conference_registration_changed.disconnect(receiver)

    assert received == [(conference.pk, member.pk, True), (conference.pk, member.pk, False)]


def test_guest_registers_with_double_opt_in(client, tree, django_capture_on_commit_callbacks):
    conference = make_conference(gliederung=tree["lv"], audience=Audience.PUBLIC)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("konferenzen:register_guest", args=[conference.slug]),
            {"name": "Greta Gast", "email": "Greta@Example.org", "privacy_consent": "on"},
        )

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.email == "greta@example.org"
    [confirm] = mail.outbox
    assert confirm.subject.startswith("Bitte bestätige deine Anmeldung")
    path = re.search(r"https?://[^/\s]+(/konferenzen/anmeldung/\S+/bestaetigen/)", confirm.body)[1]

    client.get(path)  # a mail scanner opening the link confirms nothing
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert mail.outbox[1].subject.startswith("Du bist angemeldet")
    assert mail.outbox[1].attachments[0][0] == "konferenz.ics"


def test_guest_registration_for_members_only_conference_is_refused(tree):
    conference = make_conference(gliederung=tree["lv"], audience=Audience.LANDESVERBAND)

    with pytest.raises(ValidationError) as error:
        services.registration_register_guest(
            conference_id=conference.pk, email="gast@example.org", name="Gast"
        )

    assert error.value.messages == ["Gäste können sich nur für öffentliche Konferenzen anmelden."]
    assert Registration.objects.count() == 0


def test_guest_registering_twice_gets_one_mail_and_the_same_answer(
    tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])

    with django_capture_on_commit_callbacks(execute=True):
        first = services.registration_register_guest(
            conference_id=conference.pk, email="gast@example.org", name="Gast"
        )
        second = services.registration_register_guest(
            conference_id=conference.pk, email="gast@example.org", name="Gast"
        )

    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_guest_with_an_invalid_address_is_refused(tree):
    conference = make_conference(gliederung=tree["lv"])

    with pytest.raises(ValidationError) as error:
        services.registration_register_guest(
            conference_id=conference.pk, email="keine-adresse", name="Gast"
        )

    assert error.value.message_dict == {"email": ["Bitte gib eine gültige E-Mail-Adresse ein."]}


def test_late_registrant_gets_the_dial_in_mail_instead_of_the_confirmation(
    tree, django_capture_on_commit_callbacks
):
    conference = make_conference(gliederung=tree["lv"])
    with django_capture_on_commit_callbacks(execute=True):
        services.dial_in_dispatch(conference_id=conference.pk)
    member = make_member(tree["ov"])

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_register_member(conference_id=conference.pk, user=member)

    [message] = mail.outbox
    assert message.subject.startswith("Einwahldaten:")
    assert SECRET_DIAL_IN["join_url"] in message.body
    assert "Sesam-4711" in message.body


def test_capacity_counts_only_confirmed_registrations(tree):
    conference = make_conference(gliederung=tree["lv"], capacity=1)
    services.registration_register_guest(
        conference_id=conference.pk, email="wartet@example.org", name="Wartet"
    )

    services.registration_register_member(conference_id=conference.pk, user=make_member(tree["ov"]))

    pending = Registration.objects.get(email="wartet@example.org")
    with pytest.raises(ValidationError, match="Plätze vergeben"):
        services.registration_confirm_guest(token=pending.token)


@pytest.mark.django_db(transaction=True)
def test_two_members_racing_for_the_last_place_get_one_place(postgres):
    """Capacity is decided under the conference's row lock, not by counting in Python."""
    import threading

    from django.db import connections

    tree = make_tree()
    conference = make_conference(gliederung=tree["lv"], capacity=1)
    members = [make_member(tree["ov"]) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def register(member):
        barrier.wait()
        try:
            services.registration_register_member(conference_id=conference.pk, user=member)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["full", "ok"]
    assert Registration.objects.filter(conference=conference).count() == 1


def test_guest_registrations_from_one_address_are_limited_per_hour(client, tree, monkeypatch):
    from django.core.cache import cache

    from konferenzen import views

    cache.clear()
    monkeypatch.setattr(views, "GUEST_RATE_LIMIT", 2)
    conference = make_conference(gliederung=tree["lv"], audience=Audience.PUBLIC)
    url = reverse("konferenzen:register_guest", args=[conference.slug])
    for number in range(3):
        response = client.post(
            url,
            {"name": "Gast", "email": f"gast{number}@example.org", "privacy_consent": "on"},
            follow=True,
        )
        assert response.status_code == 200

    assert Registration.objects.count() == 2
    assert "Zu viele Anmeldungen von deiner Verbindung" in response.content.decode()
