from django.urls import path

from cjgscan.organisations import oidc, views, views_account, views_install, views_members

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<uuid:org_uuid>/", views.organisation_home, name="organisation_home"),
    path("o/<uuid:org_uuid>/gegevens/", views.organisation_edit, name="organisation_edit"),
    path("o/<uuid:org_uuid>/leden/", views_members.member_list, name="member_list"),
    path("o/<uuid:org_uuid>/leden/<uuid:membership_uuid>/rol/", views_members.member_role, name="member_role"),
    path(
        "o/<uuid:org_uuid>/leden/<uuid:membership_uuid>/verwijderen/",
        views_members.member_remove,
        name="member_remove",
    ),
    path(
        "o/<uuid:org_uuid>/uitnodigingen/<uuid:memberinvitation_uuid>/intrekken/",
        views_members.member_invitation_cancel,
        name="member_invitation_cancel",
    ),
    path("uitnodiging/<str:token>/", views_members.accept_invitation, name="accept_invitation"),
    path("account/", views_account.account, name="account"),
    path("account/taal/", views_account.account_language, name="account_language"),
    path("account/wachtwoord/", views_account.PasswordChangeView.as_view(), name="password_change"),
    path("account/tweestapsverificatie/", views_account.two_factor_setup, name="two_factor_setup"),
    path("account/tweestapsverificatie/uit/", views_account.two_factor_disable, name="two_factor_disable"),
    path("inloggen/code/", views_account.login_code, name="login_code"),
    # Sign-in for municipalities (OpenID Connect); 404 unless configured. The second is the redirect URI to register
    # at the provider: https://<host>/inloggen/gemeente/terug/
    path("inloggen/gemeente/", oidc.LoginView.as_view(), name="oidc_login"),
    path("inloggen/gemeente/terug/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("installatie/organisaties/", views_install.organisation_list, name="install_organisations"),
    path("installatie/tweestapsverificatie/", views_install.two_factor_reset, name="install_two_factor_reset"),
    path("o/<uuid:org_uuid>/huisstijl.css", views.organisation_style, name="organisation_style"),
    path("o/<uuid:org_uuid>/logo.png", views.organisation_logo, name="organisation_logo"),
]
