"""Templated mails: one message per recipient, German by default."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def build_mail(
    *, to: str, template: str, context: dict, language: str | None = None
) -> EmailMultiAlternatives:
    """Render ``emails/<template>_subject.txt`` and ``_body.txt`` into a message for one person."""
    context = {"brand_name": settings.BRAND_NAME, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}_body.txt", context)
    # Newlines in a subject would be rejected by Django; template whitespace is never intended.
    subject = " ".join(subject.split())
    return EmailMultiAlternatives(subject=subject, body=body, to=[to])


def send_templated_mail(**kwargs) -> None:
    build_mail(**kwargs).send()
