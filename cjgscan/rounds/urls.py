from django.urls import include, path

from cjgscan.rounds import respondent, respondent_links, views, views_retention

ORG = "o/<uuid:org_uuid>/metingen/"
ROUND = ORG + "<uuid:round_uuid>/"
QUESTIONNAIRE = "vragenlijst/<uuid:round_uuid>/"

urlpatterns = [
    path(ORG, views.round_list, name="round_list"),
    path(ORG + "nieuw/", views.round_create, name="round_create"),
    path(ROUND, views.round_detail, name="round_detail"),
    path(ROUND + "instellingen/", views.round_edit, name="round_edit"),
    path(ROUND + "groepen/", views.round_groups, name="round_groups"),
    path(ROUND + "herhalen/", views.round_repeat, name="round_repeat"),
    *(
        path(ROUND + f"{action}/", views.round_status, {"action": action}, name=f"round_{action}")
        for action in ("openen", "sluiten", "heropenen")
    ),
    path(ROUND + "uitnodigingen/", include("cjgscan.rounds.urls_invitations")),
    path(ROUND + "papier/", include("cjgscan.rounds.urls_paper")),
    path(ROUND + "adressen-verwijderen/", views_retention.round_delete_addresses, name="round_delete_addresses"),
    path(ROUND + "verwijderen/", views_retention.round_delete, name="round_delete"),
    # Respondents: a link opens a page; its start button exchanges the token for a cookie and a URL without it.
    path("r/<str:token>/", respondent_links.start_personal, name="respondent_start"),
    path("g/<str:token>/", respondent_links.start_group, name="respondent_group_start"),  # or a short code
    path("verder/", respondent_links.resume_with_code, name="respondent_resume_code"),
    path(QUESTIONNAIRE, respondent.resume, name="respondent_resume"),
    path(QUESTIONNAIRE + "<int:page>/", respondent.page, name="respondent_page"),
    path(QUESTIONNAIRE + "opslaan/", respondent.autosave, name="respondent_autosave"),
    path(QUESTIONNAIRE + "verzenden/", respondent.submit, name="respondent_submit"),
    path(QUESTIONNAIRE + "klaar/", respondent.done, name="respondent_done"),
]
