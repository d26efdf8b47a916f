from django.urls import path

from . import views

app_name = "ads"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/remove/", views.remove_interest, name="remove_interest"),
    path("profile/add/", views.add_interest, name="add_interest"),
    path("profile/block/", views.block_advertiser, name="block"),
    path("profile/unblock/", views.unblock_advertiser, name="unblock"),
    path("why/<str:token>/", views.why, name="why"),
    path("go/<str:token>/", views.go, name="go"),
]
