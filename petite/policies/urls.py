from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "policies"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("compare/", views.diff, name="diff"),
    path("<int:number>/", views.version, name="version"),
    path("<int:number>/acknowledge/", views.acknowledge, name="acknowledge"),
]
