"""Addresses for authorities, without a language prefix: the one-time download."""

from django.urls import path

from . import views

app_name = "legal_machine"
urlpatterns = [
    path("legal/download/<str:token>/", views.download, name="download"),
]
