from django.urls import URLPattern, path, re_path

from . import actions, views

app_name = "datarequests"
urlpatterns: list[URLPattern] = [
    path("", views.request_list, name="list"),
    path("new/", views.new_request, name="new"),
    path("confirm/<str:token>/", views.confirm_identity, name="confirm"),
    re_path(rf"^(?P<reference>{actions.REFERENCE_PATTERN})/$", views.request_detail, name="detail"),
]
