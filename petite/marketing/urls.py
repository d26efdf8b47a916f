from django.urls import URLPattern, URLResolver

app_name = "marketing"
urlpatterns: list[URLPattern | URLResolver] = []
