"""The member's pages about third-party apps, under /apps/ (language-prefixed)."""

from django.urls import path

from . import views

app_name = "thirdparty"
urlpatterns = [
    path("", views.index, name="index"),
    path("reads/", views.reads, name="reads"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
