import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rotesnetz.members.models import Membership, MembershipRequest, MembershipRole
from tests.support.factories import make_gliederung, make_member, make_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    return make_tree()


def test_home_is_german_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()
    assert "Jetzt registrieren" in response.content.decode()


def test_home_in_english_after_switching(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/")

    assert '<html lang="en">' in response.content.decode()
    assert "Sign up now" in response.content.decode()


def test_mein_netz_needs_login(client):
    response = client.get(reverse("members:mein_netz"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_mein_netz_shows_the_members_ortsverein(client, tree):
    member = make_member(tree["ov"])
    client.force_login(member)

    response = client.get(reverse("members:mein_netz"))

    assert response.status_code == 200
    assert "OV Test" in response.content.decode()


def test_mein_netz_query_count_does_not_grow_with_memberships(client, tree):
    member = make_member(tree["ov"])
    client.force_login(member)
    client.get(reverse("members:mein_netz"))  # the first request also records the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("members:mein_netz"))
    for _ in range(5):
        ov = make_gliederung(kind="ortsverein", parent=tree["ub"])
        Membership.objects.create(user=member, gliederung=ov)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("members:mein_netz"))

    assert len(six) == len(one)


def test_gliederung_list_query_count_is_constant(client, tree):
    client.force_login(make_user())
    client.get(reverse("members:gliederung_list"))  # the first request also records the session
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("members:gliederung_list"))
    for _ in range(10):
        make_gliederung(kind="ortsverein", parent=tree["ub"])
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("members:gliederung_list"))

    assert response.status_code == 200
    assert len(after) == len(before)


def test_join_request_and_decision_through_the_pages(
    client, tree, django_capture_on_commit_callbacks
):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    user = make_user()
    client.force_login(user)

    response = client.post(
        reverse("members:membership_request_create", args=[tree["ov"].slug]), {"message": "Hallo!"}
    )
    assert response.status_code == 302
    request = MembershipRequest.objects.get(user=user)

    client.force_login(vorstand)
    page = client.get(reverse("members:gliederung", args=[tree["ov"].slug]))
    assert user.display_name in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("members:membership_request_decide", args=[request.pk]),
            {"decision": "accept"},
        )

    assert Membership.objects.filter(user=user, gliederung=tree["ov"]).exists()
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_member_list_is_hidden_from_plain_members(client, tree):
    other = make_member(tree["ov"], name="Geheime Person")
    client.force_login(make_member(tree["ov"]))

    response = client.get(reverse("members:gliederung", args=[tree["ov"].slug]))

    assert other.display_name not in response.content.decode()


def test_outsider_cannot_change_roles_or_remove(client, tree):
    member = make_member(tree["ov"])
    membership = Membership.objects.get(user=member)
    client.force_login(make_member(tree["ov2"], MembershipRole.VORSTAND))

    response = client.post(
        reverse("members:membership_role", args=[membership.pk]), {"role": "vorstand"}
    )
    # Someone else's membership looks like none at all (membership is special-category data).
    assert response.status_code == 404
    response = client.post(
        reverse("members:membership_remove", args=[membership.pk]), {"confirm": "yes"}
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.role == MembershipRole.MITGLIED


def test_member_row_links_to_the_removal_question_and_labels_the_select(client, tree):
    member = make_member(tree["ov"], name="Rosa Reihe")
    membership = Membership.objects.get(user=member)
    client.force_login(make_member(tree["ov"], MembershipRole.VORSTAND))

    page = client.get(reverse("members:gliederung", args=[tree["ov"].slug])).content.decode()

    confirm_url = reverse("members:membership_remove", args=[membership.pk])
    assert f'<a class="btn btn-sm btn-outline-danger ms-auto" href="{confirm_url}"' in page
    assert f'action="{confirm_url}"' not in page
    assert f'for="role-{membership.pk}">Rolle von Rosa Reihe</label>' in page


def test_remove_page_asks_first_and_removes_nothing(client, tree):
    member = make_member(tree["ov"], name="Rosa Reihe")
    membership = Membership.objects.get(user=member)
    client.force_login(make_member(tree["ov"], MembershipRole.VORSTAND))

    response = client.get(reverse("members:membership_remove", args=[membership.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Rosa Reihe aus OV Test entfernen?" in page
    assert "Rosa Reihe verliert den Zugang zu den Räumen von OV Test" in page
    assert "Ja, entfernen" in page
    assert f'href="{reverse("members:gliederung", args=[tree["ov"].slug])}">Abbrechen</a>' in page
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_remove_post_without_confirmation_asks_instead_of_removing(client, tree):
    membership = Membership.objects.get(user=make_member(tree["ov"]))
    client.force_login(make_member(tree["ov"], MembershipRole.VORSTAND))
    url = reverse("members:membership_remove", args=[membership.pk])

    response = client.post(url)

    assert (response.status_code, response["Location"]) == (302, url)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_remove_confirmed_removes_the_member(client, tree):
    member = make_member(tree["ov"], name="Rosa Reihe")
    membership = Membership.objects.get(user=member)
    client.force_login(make_member(tree["ov"], MembershipRole.VORSTAND))

    response = client.post(
        reverse("members:membership_remove", args=[membership.pk]), {"confirm": "yes"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("members:gliederung", args=[tree["ov"].slug])
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_remove_by_a_plain_member_answers_404_and_removes_nothing(client, tree, method):
    membership = Membership.objects.get(user=make_member(tree["ov"]))
    client.force_login(make_member(tree["ov"], MembershipRole.MODERATION))

    response = getattr(client, method)(
        reverse("members:membership_remove", args=[membership.pk]), {"confirm": "yes"}
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_leaving_asks_first_then_leaves(client, tree):
    member = make_member(tree["ov"])
    membership = Membership.objects.get(user=member)
    client.force_login(member)
    url = reverse("members:membership_remove", args=[membership.pk])

    question = client.get(url)
    assert Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(url, {"confirm": "yes"})

    assert "Aus OV Test austreten?" in question.content.decode()
    assert "Ja, austreten" in question.content.decode()
    assert response["Location"] == reverse("members:mein_netz")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_decide_with_a_bad_decision_changes_nothing(client, tree):
    vorstand = make_member(tree["ov"], MembershipRole.VORSTAND)
    request = MembershipRequest.objects.create(user=make_user(), gliederung=tree["ov"])
    client.force_login(vorstand)

    response = client.post(
        reverse("members:membership_request_decide", args=[request.pk]), {"decision": "maybe"}
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "pending"


def test_unknown_gliederung_is_a_german_404(client):
    client.force_login(make_user())

    response = client.get(reverse("members:gliederung", args=["gibt-es-nicht"]))

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_healthz_reports_every_service(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache", "broker"}
    assert response.json()["checks"]["database"]["ok"] is True


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    def broken(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", broken)
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "down"


def test_member_pages_are_not_cached_and_carry_security_headers(client, tree):
    client.force_login(make_member(tree["ov"]))

    response = client.get(reverse("members:mein_netz"))

    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert len(response["X-Request-ID"]) == 32


def test_signing_out_tells_the_browser_to_drop_what_scripts_kept(client, tree):
    # The rooms keep unsent messages in sessionStorage: on a shared computer they must not
    # outlive the session.
    client.force_login(make_member(tree["ov"]))

    page = client.get(reverse("members:mein_netz"))
    response = client.post(reverse("account_logout"))

    assert "Clear-Site-Data" not in page
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"storage"'
    assert "Clear-Site-Data" not in client.get(reverse("account_login"))


def test_forged_forwarded_for_does_not_dodge_the_login_limit(client):
    from tests.support.factories import PASSWORD

    make_user(email="echt@example.org")
    for number in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"geraten{number}@example.org", "password": "falsch"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{number}",
        )

    response = client.post(
        reverse("account_login"),
        {"login": "echt@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
