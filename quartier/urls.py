from django.urls import path

from . import views

app_name = "quartier"

# Fixed paths come first; models.RESERVED_SLUGS keeps their words free as office short names.
urlpatterns = [
    path("", views.finder, name="finder"),
    path("team/", views.my_offices, name="my_offices"),
    path("konzepte/", views.concept_list, name="concept_list"),
    path("standortanalyse/", views.site_analysis, name="site_analysis"),
    path("termin/absagen/<str:token>/", views.booking_cancel, name="booking_cancel"),
    path(
        "anmeldung/stornieren/<str:token>/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("<slug:slug>/", views.office_detail, name="office"),
    path("<slug:slug>/kalender.ics", views.office_ics, name="office_ics"),
    path("<slug:slug>/anliegen/", views.contact_create, name="contact"),
    path("<slug:slug>/veranstaltungen/<int:pk>/", views.event_detail, name="event"),
    path("<slug:slug>/beratung/<int:pk>/", views.slot_book, name="book"),
    path("<slug:slug>/postfach/", views.inbox, name="inbox"),
    path("<slug:slug>/postfach/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("<slug:slug>/beratung-verwalten/", views.slots_manage, name="slots_manage"),
    path(
        "<slug:slug>/beratung-verwalten/<int:pk>/zurueckziehen/",
        views.slot_cancel,
        name="slot_cancel",
    ),
    path("<slug:slug>/bericht/", views.impact, name="report"),
    path("<slug:slug>/konzept/", views.concept, name="concept"),
    path("<slug:slug>/konzept/pruefen/", views.concept_review, name="concept_review"),
    path("<slug:slug>/eroeffnen/", views.office_open, name="office_open"),
]
