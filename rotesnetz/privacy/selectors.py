"""Reads of the privacy core."""

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from . import registry
from .models import DataExport, ExportStatus, LegalPage


def exports_of(*, user) -> QuerySet[DataExport]:
    return DataExport.objects.filter(user=user).order_by("-created_at")[:10]


def export_for_owner(*, user, pk) -> DataExport | None:
    """The archive if it is the user's and still available; otherwise None (404 alike)."""
    export = DataExport.objects.filter(pk=pk, user=user, status=ExportStatus.READY).first()
    if export is None or not export.is_available(timezone.now()):
        return None
    return export


def provider_labels() -> list[str]:
    return [str(provider.label) for provider in registry.providers() if provider.export]


def legal_page(*, kind: str, language: str) -> LegalPage | None:
    pages = {page.language: page for page in LegalPage.objects.filter(kind=kind)}
    fallback = next(iter(pages.values()), None)
    return pages.get(language) or pages.get(settings.LANGUAGE_CODE) or fallback
