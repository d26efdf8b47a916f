from django.urls import URLPattern, path

from . import access_views, views

app_name = "privacy"
urlpatterns: list[URLPattern] = [
    path("", views.notice, name="notice"),
    path("register/", views.register, name="register"),
    path("who-looked/", access_views.access_log, name="access_log"),
]
