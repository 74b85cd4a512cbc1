from django.urls import path

from cjgscan.api import views
from cjgscan.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("account/api-sleutels/", views.token_list, name="api_token_list"),
    path("account/api-sleutels/<uuid:token_uuid>/intrekken/", views.token_revoke, name="api_token_revoke"),
]
