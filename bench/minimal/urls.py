from django.urls import include, path

from bench.minimal.views import minimal

# First, so that the yardstick does not pay for trying the product's patterns; the product's URLs are resolved
# after one more failed pattern, a microsecond.
urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("", include("cjgscan.urls")),
]
handler500 = "cjgscan.web.views.server_error"
