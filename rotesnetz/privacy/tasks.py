from celery import shared_task

from . import services


@shared_task(name="privacy.retention")
def retention() -> dict:
    """The platform's one periodic retention run: every period of every part."""
    return services.retention_run()


@shared_task(name="privacy.build_export")
def build_export(*, export_id: str, language: str | None = None) -> str | None:
    export = services.export_build(export_id=export_id, language=language)
    return export.status if export is not None else None
