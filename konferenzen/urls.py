from django.urls import path

from . import staff_views, views

app_name = "konferenzen"

urlpatterns = [
    path("", views.conference_list, name="list"),
    # Staff
    path("verwaltung/", staff_views.staff_list, name="staff_list"),
    path("verwaltung/neu/", staff_views.staff_create, name="staff_create"),
    path("verwaltung/reihen/neu/", staff_views.staff_series, name="staff_series_create"),
    path("verwaltung/reihen/<slug:slug>/", staff_views.staff_series, name="staff_series"),
    path(
        "verwaltung/reihen/<slug:slug>/mitwirkende/",
        staff_views.staff_series_contributor_add,
        name="staff_series_contributor_add",
    ),
    path(
        "verwaltung/reihen/<slug:slug>/moderation/",
        staff_views.staff_series_moderator,
        name="staff_series_moderator",
    ),
    path(
        "verwaltung/mitwirkende/<int:pk>/entfernen/",
        staff_views.staff_contributor_remove,
        name="staff_contributor_remove",
    ),
    path("verwaltung/<slug:slug>/", staff_views.staff_detail, name="staff_detail"),
    path("verwaltung/<slug:slug>/bearbeiten/", staff_views.staff_edit, name="staff_edit"),
    path("verwaltung/<slug:slug>/mails/", staff_views.staff_mails, name="staff_mails"),
    path("verwaltung/<slug:slug>/mails/erneut/", staff_views.staff_resend, name="staff_resend"),
    path(
        "verwaltung/<slug:slug>/einwahl-jetzt/",
        staff_views.staff_send_dial_in_now,
        name="staff_send_dial_in_now",
    ),
    path("verwaltung/<slug:slug>/absagen/", staff_views.staff_cancel, name="staff_cancel"),
    path(
        "verwaltung/<slug:slug>/nachbereitung/",
        staff_views.staff_follow_up,
        name="staff_follow_up",
    ),
    path("verwaltung/<slug:slug>/jitsi-raum/", staff_views.staff_jitsi_renew, name="staff_jitsi"),
    path(
        "verwaltung/<slug:slug>/moderation/",
        staff_views.staff_moderator_add,
        name="staff_moderator_add",
    ),
    path(
        "verwaltung/<slug:slug>/moderation/<int:user_id>/entfernen/",
        staff_views.staff_moderator_remove,
        name="staff_moderator_remove",
    ),
    path(
        "verwaltung/<slug:slug>/mitwirkende/",
        staff_views.staff_contributor_add,
        name="staff_contributor_add",
    ),
    # Public feeds
    path("reihen/<slug:slug>/", views.series_detail, name="series"),
    path("reihen/<slug:slug>/kalender.ics", views.series_ics, name="series_ics"),
    path(
        "landesverband/<slug:slug>/kalender.ics",
        views.landesverband_ics,
        name="landesverband_ics",
    ),
    # Guests (by the secret link in their mail)
    path("anmeldung/<str:token>/", views.guest, name="guest"),
    path("anmeldung/<str:token>/bestaetigen/", views.guest_confirm, name="guest_confirm"),
    path("anmeldung/<str:token>/kalender.ics", views.guest_ics, name="guest_ics"),
    path("anmeldung/<str:token>/abmelden/", views.guest_cancel, name="guest_cancel"),
    path("anmeldung/<str:token>/fragen/", views.guest_questions, name="guest_questions"),
    path(
        "anmeldung/<str:token>/fragen/<int:pk>/unterstuetzen/",
        views.guest_support,
        name="guest_support",
    ),
    path("anmeldung/<str:token>/feedback/", views.guest_feedback, name="guest_feedback"),
    # A conference
    path("<slug:slug>/", views.conference_detail, name="detail"),
    path("<slug:slug>/kalender.ics", views.conference_ics, name="ics"),
    path("<slug:slug>/anmelden/", views.register, name="register"),
    path("<slug:slug>/gast/", views.register_guest, name="register_guest"),
    path("<slug:slug>/teilnahme/", views.participation, name="participation"),
    path(
        "<slug:slug>/teilnahme/kalender.ics",
        views.participation_ics,
        name="participation_ics",
    ),
    path("<slug:slug>/abmelden/", views.cancel_registration, name="cancel"),
    path("<slug:slug>/fragen/", views.questions, name="questions"),
    path("<slug:slug>/fragen/<int:pk>/unterstuetzen/", views.support, name="support"),
    path("<slug:slug>/fragen/moderation/", views.moderation, name="moderation"),
    path("<slug:slug>/fragen/<int:pk>/moderieren/", views.moderate, name="moderate"),
    path("<slug:slug>/fragen/themen/", views.topic_create, name="topic_create"),
    path(
        "<slug:slug>/fragen/briefing.<str:kind>",
        views.briefing,
        name="briefing",
    ),
    path("<slug:slug>/feedback/", views.feedback, name="feedback"),
]
