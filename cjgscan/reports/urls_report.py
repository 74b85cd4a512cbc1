from django.urls import path

from cjgscan.reports import views_report

urlpatterns = [
    path(
        "o/<uuid:org_uuid>/metingen/<uuid:round_uuid>/rapport.pdf",
        views_report.round_report_pdf,
        name="round_report_pdf",
    ),
]
