from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("mein-netz/", views.mein_netz, name="mein_netz"),
    path("gliederungen/", views.gliederung_list, name="gliederung_list"),
    path("gliederungen/<slug:slug>/", views.gliederung_detail, name="gliederung"),
    path(
        "gliederungen/<slug:slug>/beitreten/",
        views.membership_request_create,
        name="membership_request_create",
    ),
    path(
        "anfragen/<int:pk>/entscheiden/",
        views.membership_request_decide,
        name="membership_request_decide",
    ),
    path(
        "anfragen/<int:pk>/zurueckziehen/",
        views.membership_request_withdraw,
        name="membership_request_withdraw",
    ),
    path("mitgliedschaften/<int:pk>/rolle/", views.membership_change_role, name="membership_role"),
    path("mitgliedschaften/<int:pk>/beenden/", views.membership_remove, name="membership_remove"),
    path("konto/profil/", views.profile, name="profile"),
]
