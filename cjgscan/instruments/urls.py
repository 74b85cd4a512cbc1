from django.urls import path

from cjgscan.instruments import views

urlpatterns = [
    path("", views.instrument_list, name="instrument_list"),
    path("<slug:slug>/", views.instrument_detail, name="instrument_detail"),
    path("<slug:slug>/<str:code>/", views.theme_detail, name="theme_detail"),
]
