from django.urls import path

from cjgscan.organisations import views

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<uuid:org_uuid>/", views.organisation_home, name="organisation_home"),
    path("o/<uuid:org_uuid>/gegevens/", views.organisation_edit, name="organisation_edit"),
    path("o/<uuid:org_uuid>/huisstijl.css", views.organisation_style, name="organisation_style"),
    path("o/<uuid:org_uuid>/logo.png", views.organisation_logo, name="organisation_logo"),
]
