from django.conf import settings


def site(request):
    return {
        "lms_site_name": settings.WAGTAIL_SITE_NAME,
        "organisation_name": settings.LMS_ORGANISATION_NAME,
    }
