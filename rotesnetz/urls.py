"""The composition root's URLs: every part of the platform is mounted here."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from rotesnetz.members import health
from rotesnetz.members import views as member_views
from rotesnetz.privacy import views as privacy_views

# The admin has no login of its own: it goes through allauth (rate limits, MFA).
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Rotes Netz – Verwaltung"
admin.site.site_title = "Rotes Netz"

urlpatterns = [
    path("", member_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("branding.css", member_views.branding_css, name="branding_css"),
    path("favicon.ico", member_views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("datenschutz/", privacy_views.privacy_notice, name="privacy"),
    path("impressum/", privacy_views.imprint, name="imprint"),
    path("parteischule/", include("parteischule.urls")),
    path("buero/", include("quartier.urls")),
    path("konferenzen/", include("konferenzen.urls")),
    path("", include("rotesnetz.privacy.urls")),
    path("", include("rotesnetz.members.urls")),
    path("", include("rotesnetz.rooms.urls")),
    path("", include("rotesnetz.ideas.urls")),
]

handler403 = "rotesnetz.members.errors.permission_denied"
handler404 = "rotesnetz.members.errors.page_not_found"
handler500 = "rotesnetz.members.errors.server_error"
