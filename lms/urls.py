from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import roster_views, routing, views
from .forms import LoginForm

handler400 = "lms.errors.bad_request"
handler403 = "lms.errors.permission_denied"
handler404 = "lms.errors.not_found"
handler500 = "lms.errors.server_error"

accounts = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include(accounts)),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/record.pdf", views.person_record, name="person_record"),
    path("people/export.<str:fmt>", views.people_export, name="people_export"),
    path("people/import/", roster_views.roster_import, name="roster_import"),
    path("people/import/confirm/", roster_views.roster_import_confirm, name="roster_import_confirm"),
    path("people/import/template.xlsx", roster_views.roster_template, name="roster_template"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("courses/", include("courses.urls")),
    path("mentorship/", include("mentorship.urls")),
    path("certificates/", include("certificates.urls")),
    path("cockpit/", include("cockpit.urls")),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail serves the lesson and quiz pages under /learn/, each found in one query (lms.routing).
    path("learn/", include(routing.urlpatterns)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
