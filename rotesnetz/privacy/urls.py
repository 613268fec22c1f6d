from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("konto/daten/", views.my_data, name="my_data"),
    path("konto/daten/<uuid:pk>/", views.export_download, name="export_download"),
    path("konto/loeschen/", views.account_delete, name="account_delete"),
]
