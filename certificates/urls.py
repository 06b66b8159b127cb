from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("verify/<str:code>/pdf/", views.download, name="download"),
    path("", views.certificate_list, name="list"),
    path("<int:pk>/", views.certificate_detail, name="detail"),
    path("<int:pk>/pdf/", views.certificate_pdf, name="pdf"),
    path("<int:pk>/revoke/", views.certificate_revoke, name="revoke"),
    path("<int:pk>/reissue/", views.certificate_reissue, name="reissue"),
    path("issue/<int:person_pk>/", views.certificate_issue, name="issue"),
    path("archives/", views.cohort_archive, name="archive_create"),
    path("archives/<int:pk>/", views.archive_status, name="archive"),
    path("archives/<int:pk>/download/", views.archive_download, name="archive_download"),
    path("bulk/", views.bulk_runs, name="bulk_runs"),
    path("bulk/<int:pk>/", views.bulk_run, name="bulk_run"),
    path("refreshers/", views.refreshers_outstanding, name="refreshers"),
    path("refreshers/<int:pk>/done/", views.refresher_done, name="refresher_done"),
]
