from django.conf import settings

from . import navigation


def branding(request):
    return {
        "brand_name": settings.BRAND_NAME,
        "brand_logo": settings.BRAND_LOGO,
        "nav_items": navigation.for_request(request),
    }
