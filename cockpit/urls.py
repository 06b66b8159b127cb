from django.urls import path

from . import views

app_name = "cockpit"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("matrix/", views.progress_matrix, name="matrix"),
    path("matrix.<str:fmt>", views.matrix_export, name="matrix_export"),
    path("certified.<str:fmt>", views.certified_export, name="certified_export"),
    path("mentors/", views.mentors, name="mentors"),
    path("mentors/<int:pk>/", views.mentor_detail, name="mentor"),
]
