from django.urls import path

from cjgscan.reports import views_report, views_workshop

ROUND = "o/<uuid:org_uuid>/metingen/<uuid:round_uuid>/"
REPORT = "o/<uuid:org_uuid>/rapporten/<uuid:report_uuid>/"
WORKSHOP = "o/<uuid:org_uuid>/werksessies/<uuid:workshop_uuid>/verslag/"

urlpatterns = [
    path(ROUND + "rapport/", views_report.round_report, name="round_report"),
    path(ROUND + "rapport.pdf", views_report.round_report_pdf, name="round_report_pdf"),
    path(REPORT, views_report.report_status, name="report_status"),
    path(REPORT + "download/", views_report.report_download, name="report_download"),
    path(WORKSHOP, views_workshop.workshop_report, name="workshop_report"),
    path(WORKSHOP + "pdf/", views_workshop.workshop_report_pdf, name="workshop_report_pdf"),
    path(WORKSHOP + "<str:fmt>/", views_workshop.workshop_report_table, name="workshop_report_table"),
]
