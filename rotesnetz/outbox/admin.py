from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import OutboundMail


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ["to", "subject", "purpose", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["to", "subject", "key", "related"]
    readonly_fields = [f.name for f in OutboundMail._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send failed mails again"))
    def resend(self, request, queryset):
        count = services.outbound_retry(ids=list(queryset.values_list("id", flat=True)))
        messages.success(
            request, ngettext("%d mail queued again.", "%d mails queued again.", count) % count
        )
