"""The demo brings a living programme process; the admin pages of the app open."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from rotesnetz.ideas.models import Idea, IdeaStatus, ProgrammeProcess, Support

pytestmark = pytest.mark.django_db


def test_demo_loads_a_process_with_ideas_supports_and_an_adopted_idea_twice():
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())

    process = ProgrammeProcess.objects.get()
    adopted = Idea.objects.get(status=IdeaStatus.ADOPTED)
    assert process.chapters.count() >= 3
    assert Idea.objects.count() == 4
    assert Support.objects.count() >= 5
    assert adopted.answer and adopted.programme_chapter
    assert adopted.support_count == Support.objects.filter(idea=adopted).count()


def test_admin_pages_of_the_app_open(client):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.support.factories import make_user

    admin = make_user(is_superuser=True, is_staff=True)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DP")
    client.force_login(admin)
    call_command("demo", stdout=io.StringIO())

    for model in ("programmeprocess", "idea", "comment", "statuschange", "behalfrequest"):
        assert client.get(reverse(f"admin:ideas_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:ideas_{model}_add")).status_code == 200
    assert client.get(reverse("admin:ideas_exportlog_changelist")).status_code == 200
    idea = Idea.objects.first()
    assert client.get(reverse("admin:ideas_idea_change", args=[idea.pk])).status_code == 200
