from django.urls import URLPattern, path

from . import api, views

app_name = "support"
urlpatterns: list[URLPattern] = [
    path("", views.help_page, name="help"),
    path("requests/", views.request_list, name="list"),
    path("requests/<int:number>/", views.request_detail, name="detail"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("staff-api/requests/<int:number>/", api.help_request, name="api_request"),
]
