from django.urls import path

from cjgscan.instruments import transfer, views

urlpatterns = [
    path("", views.instrument_list, name="instrument_list"),
    path("laden/", transfer.instrument_upload, name="instrument_upload"),
    path("<slug:slug>/yaml/", transfer.instrument_yaml, name="instrument_yaml"),
    path("<slug:slug>/", views.instrument_detail, name="instrument_detail"),
    path("<slug:slug>/<str:code>/", views.theme_detail, name="theme_detail"),
]
