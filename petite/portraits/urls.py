from django.urls import path

from . import views

app_name = "portraits"
urlpatterns = [
    path("", views.edit, name="edit"),
    path("view/", views.detail, name="detail"),
    path("clear/", views.clear, name="clear"),
]
