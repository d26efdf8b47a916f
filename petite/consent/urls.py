from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "consent"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.choose, name="choose"),
    path("save/", views.save, name="save"),
]
