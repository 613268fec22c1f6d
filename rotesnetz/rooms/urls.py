from django.urls import path

from . import views

app_name = "rooms"

urlpatterns = [
    path("raeume/", views.room_list, name="list"),
    path("raeume/suche/", views.search, name="search"),
    path("raeume/<int:pk>/", views.room_detail, name="detail"),
    path("raeume/<int:pk>/senden/", views.message_post, name="post"),
    path("raeume/<int:pk>/einstellungen/", views.room_settings, name="settings"),
    path("raeume/<int:pk>/archivieren/", views.room_archive, name="archive"),
    path("raeume/<int:pk>/export/", views.room_export, name="export"),
    path("raeume/<int:pk>/moderation/", views.moderation_log, name="log"),
    path("raeume/<int:pk>/benachrichtigungen/", views.mention_mails, name="mention_mails"),
    path("raeume/<int:pk>/mitglieder.json", views.member_names, name="member_names"),
    path("raeume/<int:pk>/zustand.json", views.room_state, name="state"),
    path("raeume/<int:pk>/n/<int:message_id>/", views.message_detail, name="message"),
    path("raeume/<int:pk>/n/<int:message_id>/reaktion/", views.message_react, name="react"),
    path("raeume/<int:pk>/n/<int:message_id>/bearbeiten/", views.message_edit, name="edit"),
    path("raeume/<int:pk>/n/<int:message_id>/loeschen/", views.message_delete, name="delete"),
    path("raeume/<int:pk>/n/<int:message_id>/ausblenden/", views.message_hide, name="hide"),
    path("raeume/<int:pk>/n/<int:message_id>/einblenden/", views.message_unhide, name="unhide"),
    path("raeume/<int:pk>/n/<int:message_id>/anheften/", views.message_pin, name="pin"),
    path("gliederungen/<slug:slug>/raeume/neu/", views.room_create, name="create"),
]
