from django.conf import settings


def branding(request):
    return {
        "brand_name": settings.BRAND_NAME,
        "brand_logo": settings.BRAND_LOGO,
    }
