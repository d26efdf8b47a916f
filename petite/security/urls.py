from __future__ import annotations

from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("sign-ins/", views.sign_in_alerts, name="sign_in_alerts"),
    path("incidents/", views.incidents, name="incidents"),
    path("not-me/<str:token>/", views.wasnt_me, name="wasnt_me"),
]
