from django.urls import path

from . import views

app_name = "legal"
urlpatterns = [
    path("transparency/", views.transparency_index, name="transparency"),
    path("transparency/<str:period>/", views.transparency_report, name="transparency_report"),
    path("transparency/<str:period>.json", views.transparency_json, name="transparency_json"),
    path("transfers/<int:transfer_id>/", views.transfer, name="transfer"),
]
