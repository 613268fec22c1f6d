from django.urls import path

from . import views

app_name = "ideas"

urlpatterns = [
    path("ideen/", views.process_list, name="process_list"),
    path("ideen/neu/", views.process_create, name="process_create"),
    path("ideen/fuersprache/<int:pk>/entscheiden/", views.behalf_decide, name="behalf_decide"),
    path("ideen/<slug:slug>/", views.process_detail, name="process"),
    path("ideen/<slug:slug>/bearbeiten/", views.process_edit, name="process_edit"),
    path("ideen/<slug:slug>/einreichen/", views.idea_submit, name="submit"),
    path("ideen/<slug:slug>/aehnliche.json", views.similar, name="similar"),
    path("ideen/<slug:slug>/ergebnisse/", views.overview, name="overview"),
    path("ideen/<slug:slug>/vielfalt/", views.diversity, name="diversity"),
    path("ideen/<slug:slug>/export.csv", views.export_csv, name="export_csv"),
    path("ideen/<slug:slug>/export.pdf", views.export_pdf, name="export_pdf"),
    path("ideen/<slug:slug>/<int:pk>/", views.idea_detail, name="idea"),
    path("ideen/<slug:slug>/<int:pk>/unterstuetzen/", views.idea_support, name="support"),
    path("ideen/<slug:slug>/<int:pk>/kommentieren/", views.comment_post, name="comment"),
    path("ideen/<slug:slug>/<int:pk>/status/", views.status_change, name="status"),
    path("ideen/<slug:slug>/<int:pk>/zusammenfuehren/", views.idea_merge, name="merge"),
    path("ideen/<slug:slug>/<int:pk>/diskussion/", views.open_discussion, name="discussion"),
]
