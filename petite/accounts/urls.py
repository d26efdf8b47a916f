from django.urls import path

from . import notme, views

app_name = "accounts"
urlpatterns = [
    path("security/", views.security, name="security"),
    path("sessions/", views.sessions, name="sessions"),
]
urlpatterns += [
    # Policy-change notices (E4) link here by name: keep "accounts:delete".
    path("delete/", views.delete_account, name="delete"),
    path("delete/cancel/", views.cancel_deletion, name="delete_cancel"),
    path("delete/done/", views.deletion_done, name="delete_done"),
]
urlpatterns += [
    # The "this wasn't me" link of the e-mail and password change notices (works signed out).
    path("not-me/<str:change>/<str:token>/", notme.not_me, name="not_me"),
]
