from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("comments/mine/", views.mine, name="mine"),
    path("comments/<int:comment_id>/edit/", views.edit, name="edit"),
    path("comments/<int:comment_id>/delete/", views.delete, name="delete"),
    path("<slug:slug>/", views.article, name="article"),
    path("<slug:slug>/comment/", views.post_comment, name="post"),
    path("<slug:slug>/before-commenting/", views.confirm, name="confirm"),
]
