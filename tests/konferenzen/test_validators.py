"""Dial-in data is checked before it reaches hundreds of mailboxes and calendars."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from konferenzen.enums import Provider
from konferenzen.validators import (
    normalize_phone_numbers,
    tel_uri,
    validate_access_code,
    validate_join_url,
    validate_meeting_number,
    validate_password,
)


@pytest.fixture(autouse=True)
def _german():
    with translation.override("de"):
        yield


@pytest.mark.parametrize(
    "url",
    ["http://zoom.us/j/123", "javascript:alert(1)", "ftp://bbb.example/x", "zoom.us/j/1"],
)
def test_join_url_that_is_not_https_is_refused_in_german(url):
    with pytest.raises(ValidationError) as error:
        validate_join_url(url, Provider.ZOOM)

    assert error.value.messages == [
        "Der Einwahl-Link muss mit https:// beginnen – andere Links werden nicht angenommen."
    ]


def test_join_url_of_zoom_must_point_to_zoom():
    with pytest.raises(ValidationError) as error:
        validate_join_url("https://zoom.example.org/j/123", Provider.ZOOM)

    assert "zoom.us" in error.value.messages[0]


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://us02web.zoom.us/j/81234567890?pwd=abc", Provider.ZOOM),
        ("https://spd.webex.com/meet/dialog", Provider.WEBEX),
        ("https://bbb.rotesnetz.example/b/abc-def", Provider.BBB),
        ("https://meet.jit.si/Dialogtour-abc", Provider.JITSI),
    ],
)
def test_join_url_of_each_provider_is_accepted(url, provider):
    assert validate_join_url(url, provider) == url


def test_phone_numbers_are_normalised_one_a_line():
    value = normalize_phone_numbers("  Deutschland:  +49 30 1234567 \n\n+43 1 2535 5035\n")

    assert value == "Deutschland: +49 30 1234567\n+43 1 2535 5035"


@pytest.mark.parametrize(
    "line", ["030 1234567", "+49", "Ruf an: 0800-FREECALL", "+49 30 " + "1" * 20]
)
def test_phone_number_that_is_not_international_is_refused_with_the_line(line):
    with pytest.raises(ValidationError) as error:
        normalize_phone_numbers(line)

    assert "internationalen Format" in error.value.messages[0]


def test_tel_uri_keeps_only_the_digits():
    assert tel_uri("Deutschland: +49 (30) 123-45 67") == "tel:+4930123456" + "7"


@pytest.mark.parametrize("value", ["12a34", "#", "1234;5"])
def test_meeting_number_with_letters_is_refused(value):
    with pytest.raises(ValidationError):
        validate_meeting_number(value)


def test_access_code_allows_digits_hash_and_star_only():
    assert validate_access_code("1234 56#") == "123456#"
    with pytest.raises(ValidationError):
        validate_access_code("12ab")


def test_password_with_a_line_break_is_refused():
    with pytest.raises(ValidationError):
        validate_password("Sesam\nBcc: x@example.org")
