from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cjgscan.web import views as web_views

handler500 = "cjgscan.web.views.server_error"

urlpatterns = [
    path("", include("cjgscan.organisations.urls")),
    path("", include("cjgscan.rounds.urls")),
    path("", include("cjgscan.dashboard.urls")),
    path("", include("cjgscan.reports.urls_report")),
    path("", include("cjgscan.exports.urls")),
    path("", include("cjgscan.development.urls")),
    path("", include("cjgscan.workshops.urls")),
    path("instrumenten/", include("cjgscan.instruments.urls")),
    path("", include("cjgscan.api.urls")),
    path("", include("cjgscan.demo.urls")),
    path("inloggen/", web_views.LoginView.as_view(), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord-vergeten/", web_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-instellen/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-instellen/klaar/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("taal/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
]
