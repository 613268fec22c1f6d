from django.test import Client
from django.urls import reverse

from tests.support.factories import make_member, make_tree


def test_an_expired_form_gets_a_german_page_that_says_what_to_do(db):
    member = make_member(make_tree()["ov"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Das Formular ist abgelaufen" in page
    assert "Es wurde nichts gespeichert" in page
    assert 'id="main"' in page  # the site's own page, with its navigation and landmarks
