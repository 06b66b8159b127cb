from django.urls import path

from . import rule_views, views

app_name = "courses"

urlpatterns = [
    path("quiz/<int:quiz_id>/start/", views.quiz_start, name="quiz_start"),
    path("attempts/", views.attempt_list, name="attempts"),
    path("attempts/<int:pk>/q/<int:number>/", views.attempt_question, name="question"),
    path("attempts/<int:pk>/finish/", views.attempt_finish, name="finish"),
    path("attempts/<int:pk>/", views.attempt_result, name="result"),
    path("attempts/<int:pk>/new-round/", views.grant_round, name="grant_round"),
    path("marking/", views.marking, name="marking"),
    path("marking/<int:pk>/", views.mark, name="mark"),
    path("assignment-rules/", rule_views.assignment_rules, name="assignment_rules"),
    path("assignment-rules/<int:pk>/retire/", rule_views.retire_rule, name="retire_rule"),
]
