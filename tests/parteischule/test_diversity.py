"""Voluntary diversity details with revocable consent, goals, and the suppressed dashboard."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from parteischule import selectors, services
from parteischule.enums import AgeBand, ConsentAction, Gender, GoalDimension
from parteischule.models import DiversityConsentLog, DiversityGoal, DiversityProfile
from tests.support.factories import make_staff, make_user
from tests.support.parteischule_factories import declare, enrol, make_course, make_zentrum

pytestmark = pytest.mark.django_db


def test_declaring_needs_explicit_consent_and_stores_nothing_without():
    user = make_user()

    with pytest.raises(ValidationError, match="Einwilligung"):
        services.diversity_declare(user=user, age_band="", gender=Gender.WOMAN, consent=False)

    assert not DiversityProfile.objects.exists()
    assert not DiversityConsentLog.objects.exists()


def test_declaring_stores_band_and_gender_and_records_consent(client):
    user = make_user()
    client.force_login(user)

    response = client.post(
        reverse("parteischule:diversity"),
        {"age_band": AgeBand.UNDER_25, "gender": Gender.WOMAN, "consent": "on"},
    )

    assert response.status_code == 302
    profile = DiversityProfile.objects.get(user=user)
    assert (profile.age_band, profile.gender) == (AgeBand.UNDER_25, Gender.WOMAN)
    assert list(DiversityConsentLog.objects.values_list("action", flat=True)) == [
        ConsentAction.GIVEN
    ]


def test_the_page_explains_why_and_asks_for_consent(client):
    client.force_login(make_user())

    page = client.get(reverse("parteischule:diversity")).content.decode()

    assert "Warum wir fragen" in page
    assert "Zahlen für Gruppen unter fünf Menschen werden nie gezeigt" in page
    assert 'name="consent"' in page


def test_revoking_deletes_the_data_and_keeps_only_the_record(client):
    user = make_user()
    declare(user, gender=Gender.WOMAN, age_band=AgeBand.FROM_35_TO_49)
    client.force_login(user)

    response = client.post(reverse("parteischule:diversity_revoke"))

    assert response.status_code == 302
    assert not DiversityProfile.objects.filter(user=user).exists()
    log = list(DiversityConsentLog.objects.filter(user=user).values_list("action", flat=True))
    assert log == [ConsentAction.REVOKED, ConsentAction.GIVEN]


def _course_with(women: int, men: int = 5, **kwargs):
    course = make_course(capacity=women + men + 5, **kwargs)
    for _ in range(women):
        user = make_user()
        declare(user, gender=Gender.WOMAN, age_band=AgeBand.FROM_25_TO_34)
        enrol(course, user)
    for _ in range(men):
        user = make_user()
        declare(user, gender=Gender.MAN, age_band=AgeBand.FROM_50_TO_64)
        enrol(course, user)
    return course


def _row(user, course):
    year = timezone.localtime(course.first_session_at).year
    data = selectors.diversity_dashboard(user=user, year=year)
    return next(row for row in data["courses"] if row["course"] == course)


def test_dashboard_suppresses_four_women_in_a_course():
    course = _course_with(women=4)
    staff = make_staff(regionalzentrum=course.regionalzentrum)

    row = _row(staff, course)

    assert row["women"].suppressed is True
    assert (row["women"].count, row["women"].percent) == (None, None)


def test_dashboard_shows_five_women_in_a_course():
    course = _course_with(women=5)
    staff = make_staff(regionalzentrum=course.regionalzentrum)

    row = _row(staff, course)

    assert row["women"].suppressed is False
    assert (row["women"].count, row["women"].percent) == (5, 50)
    assert row["under_35"].percent == 50


def test_dashboard_suppresses_when_the_rest_is_small():
    course = _course_with(women=6, men=2)
    staff = make_staff(regionalzentrum=course.regionalzentrum)

    assert _row(staff, course)["women"].suppressed is True


def test_dashboard_page_shows_figure_only_from_five_and_no_names(client):
    zentrum = make_zentrum()
    four = _course_with(women=4, zentrum=zentrum, title="Vier")
    five = _course_with(women=5, zentrum=zentrum, title="Fünf")
    staff = make_staff(regionalzentrum=zentrum)
    client.force_login(staff)
    year = timezone.localtime(four.first_session_at).year

    response = client.get(reverse("parteischule:dashboard"), {"year": year})

    page = response.content.decode()
    rows = {row["course"].title: row for row in response.context["data"]["courses"]}
    assert rows["Vier"]["women"].suppressed and not rows["Fünf"]["women"].suppressed
    assert "50 %" in page
    assert "verborgen (Gruppe unter 5)" in page
    for enrolment in five.enrolments.select_related("user"):
        assert enrolment.user.display_name not in page
        assert enrolment.user.email not in page


def test_dashboard_aggregates_per_centre_counting_each_person_once():
    zentrum = make_zentrum()
    first = _course_with(women=5, zentrum=zentrum)
    second = make_course(zentrum=zentrum, capacity=20)
    for enrolment in first.enrolments.select_related("user"):
        enrol(second, enrolment.user)
    staff = make_staff(regionalzentrum=zentrum)
    year = timezone.localtime(first.first_session_at).year

    data = selectors.diversity_dashboard(user=staff, year=year)

    (centre,) = data["centres"]
    assert centre["total"] == 10
    assert centre["women"].count == 5


def test_dashboard_applies_the_most_specific_goal():
    course = _course_with(women=5)
    lv = course.landesverband
    staff = make_staff(landesverband=lv)
    year = timezone.localtime(course.first_session_at).year
    services.goal_set(
        by=staff, year=year, dimension=GoalDimension.WOMEN, target_percent=40, scope=lv
    )
    services.goal_set(
        by=staff, year=year, dimension=GoalDimension.WOMEN, target_percent=60, scope=course
    )

    data = selectors.diversity_dashboard(user=staff, year=year)

    row = next(r for r in data["courses"] if r["course"] == course)
    assert (row["women"].goal, row["women"].reached) == (60, False)
    assert (data["years"][0]["women"].goal, data["years"][0]["women"].reached) == (40, True)


def test_dashboard_shows_only_the_staffs_own_courses():
    mine = _course_with(women=5)
    other = _course_with(women=5)
    staff = make_staff(regionalzentrum=mine.regionalzentrum)
    year = timezone.localtime(mine.first_session_at).year

    data = selectors.diversity_dashboard(user=staff, year=year)

    assert [row["course"] for row in data["courses"]] == [mine]
    assert other not in [row["course"] for row in data["courses"]]


def test_goal_from_staff_elsewhere_is_refused():
    course = make_course()
    stranger = make_staff(regionalzentrum=make_zentrum())

    with pytest.raises(PermissionDenied):
        services.goal_set(
            by=stranger, year=2026, dimension=GoalDimension.WOMEN, target_percent=50, scope=course
        )

    assert not DiversityGoal.objects.exists()


def test_goal_form_on_the_dashboard_saves(client):
    zentrum = make_zentrum()
    staff = make_staff(regionalzentrum=zentrum)
    client.force_login(staff)

    response = client.post(
        reverse("parteischule:dashboard"),
        {
            "scope": f"rz:{zentrum.pk}",
            "year": "2026",
            "dimension": "under_35",
            "target_percent": "30",
        },
    )

    assert response.status_code == 302
    goal = DiversityGoal.objects.get()
    assert (goal.regionalzentrum, goal.year, goal.target_percent) == (zentrum, 2026, 30)


def test_dashboard_is_forbidden_for_members(client):
    client.force_login(make_user())

    assert client.get(reverse("parteischule:dashboard")).status_code == 403
