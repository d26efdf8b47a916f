from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from petite.accounts import views as accounts_views
from petite.core import views as core_views

# The back-office in our name, not "Django administration".
admin.site.site_header = _("Petite back-office")
admin.site.site_title = _("Petite back-office")
admin.site.index_title = _("What needs doing")

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Inbound e-mail for the data-request desk: Mailgun's signed webhook (no language prefix).
    path("webhooks/anymail/", include("petite.datarequests.webhook_urls")),
    # Machine-facing addresses carry no language prefix.
    path("", include("petite.thirdparty.machine_urls")),
    path("", include("petite.payments.webhook_urls")),
    path("", include("petite.marketing.machine_urls")),
    path("", include("petite.legal.machine_urls")),
]
urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    # Ending other sessions asks for the password again: our view takes allauth's address.
    path("accounts/sessions/", accounts_views.sessions),
    # Changing the password asks for it again first (our view at allauth's address).
    path(
        "accounts/password/change/",
        accounts_views.password_change,
        name="account_change_password",
    ),
    path("accounts/", include("allauth.urls")),
    path("account/", include("petite.accounts.urls")),
    path("portrait/", include("petite.portraits.urls")),
    path("contact/", include("petite.contact.urls")),
    path("help/", include("petite.support.urls")),
    path("privacy/versions/", include("petite.policies.urls")),
    path("privacy/", include("petite.privacy.urls")),
    path("cookies/", include("petite.consent.urls")),
    path("email/", include("petite.marketing.urls")),
    path("messages/", include("petite.messaging.urls")),
    path("articles/", include("petite.comments.urls")),
    path("apps/", include("petite.thirdparty.urls")),
    path("offers/", include("petite.payments.urls")),
    path("ads/", include("petite.ads.urls")),
    path("your-data/", include("petite.rights.urls")),
    path("data-requests/", include("petite.datarequests.urls")),
    path("security/", include("petite.security.urls")),
    path("", include("petite.legal.urls")),
    path("back-office/", admin.site.urls),
    prefix_default_language=False,
)
