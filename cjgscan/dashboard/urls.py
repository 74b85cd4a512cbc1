from django.urls import path

from cjgscan.dashboard import views, views_trend

RESULTS = "o/<uuid:org_uuid>/metingen/<uuid:round_uuid>/resultaten/"

urlpatterns = [
    path(RESULTS, views.overview, name="results_overview"),
    path(RESULTS + "tussenstand/", views.release_interim, name="results_release"),
    path(RESULTS + "<str:code>/", views.key_detail, name="results_key"),
    path("o/<uuid:org_uuid>/trend/<slug:slug>/", views_trend.trend, name="results_trend"),
]
