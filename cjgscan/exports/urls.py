from django.urls import path

from cjgscan.exports import views

urlpatterns = [
    path("o/<uuid:org_uuid>/metingen/<uuid:round_uuid>/exporteren/", views.round_export, name="round_export"),
]
