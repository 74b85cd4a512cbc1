"""Group links, QR codes and paper forms of a round (mounted under /o/<org>/metingen/<round>/papier/)."""

from django.urls import path

from cjgscan.rounds import views_paper as views

GROUP = "groepen/<uuid:group_uuid>/"

urlpatterns = [
    path(GROUP, views.group_link, name="group_link"),
    path(GROUP + "qr.svg", views.group_qr_svg, name="group_qr_svg"),
    path(GROUP + "qr.png", views.group_qr_png, name="group_qr_png"),
    path(GROUP + "a4.pdf", views.group_sheet_pdf, name="group_sheet_pdf"),
    path(GROUP + "vernieuwen/", views.group_link_renew, name="group_link_renew"),
    path("vragenlijst/", views.paper_questionnaire, name="paper_questionnaire"),
    path("vragenlijst.pdf", views.paper_questionnaire_pdf, name="paper_questionnaire_pdf"),
    path("invoer/", views.paper_entry, name="paper_entry"),
    path("import/", views.paper_import, name="paper_import"),
    path("import/sjabloon.csv", views.paper_import_template, name="paper_import_template"),
]
