from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new, name="new"),
    path("blocked/", views.blocked, name="blocked"),
    path("<uuid:conversation_id>/", views.conversation, name="conversation"),
    path("<uuid:conversation_id>/block/", views.block, name="block"),
    path("<uuid:conversation_id>/unblock/", views.unblock, name="unblock"),
    path("message/<int:message_id>/delete/", views.delete_message, name="delete"),
    path("message/<int:message_id>/report/", views.report_message, name="report"),
]
