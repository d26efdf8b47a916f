from django.urls import URLPattern, path

from . import views

app_name = "privacy"
urlpatterns: list[URLPattern] = [
    path("", views.notice, name="notice"),
    path("register/", views.register, name="register"),
]
