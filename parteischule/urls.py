from django.urls import path

from . import views

app_name = "parteischule"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("kurse/<int:pk>/", views.course_detail, name="course"),
    path("kurse/<int:pk>/anmelden/", views.course_enrol, name="enrol"),
    path("kurse/<int:pk>/abmelden/", views.course_cancel, name="cancel"),
    path("kurse/<int:pk>/kalender.ics", views.course_calendar, name="calendar"),
    path("kurse/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("meine-kurse/", views.my_courses, name="my_courses"),
    path("teilnahmen/<int:pk>/bestaetigung.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("nachweis/", views.verify, name="verify_form"),
    path("nachweis/<str:code>/", views.verify, name="verify"),
    path("lernpfade/", views.learning_path_list, name="learning_paths"),
    path("vielfalt/", views.diversity, name="diversity"),
    path("vielfalt/widerrufen/", views.diversity_revoke, name="diversity_revoke"),
    path("vielfalt/auswertung/", views.dashboard, name="dashboard"),
    path("verwalten/", views.manage, name="manage"),
    path("verwalten/neu/", views.course_create, name="course_create"),
    path("verwalten/kurse/<int:pk>/", views.manage_course, name="manage_course"),
    path("verwalten/kurse/<int:pk>/bearbeiten/", views.course_edit, name="course_edit"),
    path("verwalten/kurse/<int:pk>/termine/neu/", views.session_create, name="session_create"),
    path("verwalten/kurse/<int:pk>/nachricht/", views.message_participants, name="message"),
    path("verwalten/kurse/<int:pk>/feedback/", views.feedback_results, name="feedback_results"),
    path("verwalten/termine/<int:pk>/bearbeiten/", views.session_edit, name="session_edit"),
    path("verwalten/termine/<int:pk>/loeschen/", views.session_delete, name="session_delete"),
    path("verwalten/termine/<int:pk>/anwesenheit/", views.attendance, name="attendance"),
    path(
        "verwalten/teilnahmen/<int:pk>/abmelden/",
        views.participant_cancel,
        name="participant_cancel",
    ),
]
