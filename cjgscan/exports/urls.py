from django.urls import path

from cjgscan.exports import views

EXPORT = "o/<uuid:org_uuid>/exporten/<uuid:export_uuid>/"

urlpatterns = [
    path("o/<uuid:org_uuid>/metingen/<uuid:round_uuid>/exporteren/", views.round_export, name="round_export"),
    path(EXPORT, views.export_status, name="export_status"),
    path(EXPORT + "download/", views.export_download, name="export_download"),
]
