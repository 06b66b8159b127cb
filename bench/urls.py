"""The product's URLs plus the floor view and a plain static-file view (benchmark only)."""

from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

from lms.urls import urlpatterns as product_urlpatterns

from .views import floor

urlpatterns = [
    path("__bench__/floor/", floor, name="bench_floor"),
    re_path(r"^__bench__/static/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *product_urlpatterns,
]
