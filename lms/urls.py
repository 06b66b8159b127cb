from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import onboarding_views, roster_views, routing, views
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
    # 忘记密码: Django's password reset, in the site's frame (templates/registration/password_reset_*).
    path("password/reset/", auth_views.PasswordResetView.as_view(
        html_email_template_name=None, subject_template_name="registration/password_reset_subject.txt",
        extra_email_context={"site_name": settings.LMS_ORGANISATION_NAME}), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # The invitation link a training lead e-mails to someone without a password (lms.onboarding).
    path("welcome/<uidb64>/<token>/", onboarding_views.InvitationAcceptView.as_view(), name="invitation_accept"),
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
    path("people/invitations/", onboarding_views.invitations, name="invitations"),
    path("people/<int:pk>/invite/", onboarding_views.invite_person, name="invite_person"),
    path("people/import/template.xlsx", roster_views.roster_template, name="roster_template"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("courses/", include("courses.urls")),
    path("mentorship/", include("mentorship.urls")),
    path("certificates/", include("certificates.urls")),
    path("cockpit/", include("cockpit.urls")),
    path("wrongbook/", include("wrongbook.urls")),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail serves the lesson and quiz pages under /learn/, each found in one query (lms.routing).
    path("learn/", include(routing.urlpatterns)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
