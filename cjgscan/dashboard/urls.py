from django.urls import path

from cjgscan.dashboard import views, views_trend

RESULTS = "o/<uuid:org_uuid>/metingen/<uuid:round_uuid>/resultaten/"
TREND = "o/<uuid:org_uuid>/trend/<slug:slug>/"

urlpatterns = [
    path(RESULTS, views.overview, name="results_overview"),
    path(RESULTS + "tussenstand/", views.release_interim, name="results_release"),
    path(RESULTS + "grafieken/<str:chart>.<str:fmt>", views.round_chart, name="results_chart"),
    path(RESULTS + "<str:code>/", views.key_detail, name="results_key"),
    path(RESULTS + "<str:code>/grafieken/<str:item_code>.<str:fmt>", views.item_chart, name="results_item_chart"),
    path(TREND, views_trend.trend, name="results_trend"),
    path(TREND + "grafiek.<str:fmt>", views_trend.trend_chart, name="results_trend_chart"),
]
