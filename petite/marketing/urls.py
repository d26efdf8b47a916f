"""The member's pages (under /email/, with the language prefix)."""

from django.urls import path

from . import views

app_name = "marketing"
urlpatterns = [
    path("", views.preferences, name="preferences"),
]
