from django.urls import URLPattern, URLResolver

app_name = "thirdparty"
urlpatterns: list[URLPattern | URLResolver] = []
