from django.urls import path

from . import views

app_name = "rights"
urlpatterns = [
    path("", views.index, name="index"),
    path("identity/", views.identity, name="identity"),
    path("exports/", views.exports, name="exports"),
    path("exports/<uuid:export_id>/", views.export, name="export"),
    path("exports/<uuid:export_id>/download/", views.download, name="download"),
]
