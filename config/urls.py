from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from petite.accounts import views as accounts_views
from petite.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Inbound e-mail for the data-request desk: Mailgun's signed webhook (no language prefix).
    path("webhooks/anymail/", include("petite.datarequests.webhook_urls")),
]
urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    # Ending other sessions asks for the password again: our view takes allauth's address.
    path("accounts/sessions/", accounts_views.sessions),
    path("accounts/", include("allauth.urls")),
    path("account/", include("petite.accounts.urls")),
    path("portrait/", include("petite.portraits.urls")),
    path("contact/", include("petite.contact.urls")),
    path("privacy/", include("petite.privacy.urls")),
    path("your-data/", include("petite.rights.urls")),
    path("data-requests/", include("petite.datarequests.urls")),
    path("back-office/", admin.site.urls),
    prefix_default_language=False,
)
