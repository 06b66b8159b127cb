from django.urls import path

from . import views

app_name = "wrongbook"

urlpatterns = [
    path("", views.book, name="book"),
    path("drill/", views.drill_start, name="drill_start"),
    path("drill/<int:pk>/<int:number>/", views.drill_item, name="drill_item"),
    path("history/", views.history, name="history"),
    path("people/<int:pk>/history/", views.history, name="person_history"),
    path("cohort/", views.cohort_heat_map, name="heat_map"),
]
