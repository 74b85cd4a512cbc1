"""Personal invitations of a round (mounted under /o/<org>/metingen/<round>/uitnodigingen/)."""

from django.urls import path

from cjgscan.rounds import views_invitations as views

urlpatterns = [
    path("", views.invitation_list, name="invitation_list"),
    path("toevoegen/", views.invitation_add, name="invitation_add"),
    path("versturen/", views.invitation_send, name="invitation_send"),
    path("herinneren/", views.invitation_remind, name="invitation_remind"),
    path("<uuid:invitation_uuid>/verwijderen/", views.invitation_delete, name="invitation_delete"),
]
