from django.urls import path

from cjgscan.workshops import live, participant, themes_views, views, views_round

ORG = "o/<uuid:org_uuid>/werksessies/"
WORKSHOP = ORG + "<uuid:workshop_uuid>/"
PARTICIPANT = "werksessie/<uuid:workshop_uuid>/"

urlpatterns = [
    path(ORG, views.workshop_list, name="workshop_list"),
    path(ORG + "nieuw/", views.workshop_create, name="workshop_create"),
    path(WORKSHOP, views.workshop_detail, name="workshop_detail"),
    path(WORKSHOP + "vragen/nieuw/", views.workshop_question_add, name="workshop_question_add"),
    path(WORKSHOP + "presenteren/", live.workshop_present, name="workshop_present"),
    path(WORKSHOP + "presenteren/live/", live.workshop_live, name="workshop_live"),
    path(WORKSHOP + "scherm/", live.workshop_screen, name="workshop_screen"),
    path(WORKSHOP + "scherm/live/", live.workshop_screen_live, name="workshop_screen_live"),
    path(WORKSHOP + "instellingen/", live.workshop_options, name="workshop_options"),
    path(
        WORKSHOP + "vragen/<uuid:question_uuid>/regie/",
        live.workshop_question_control,
        name="workshop_question_control",
    ),
    *(
        path(
            WORKSHOP + f"notities/<uuid:note_uuid>/{action}/",
            live.workshop_note_moderate,
            {"action": action},
            name=f"workshop_note_{action}",
        )
        for action in live.MODERATION
    ),
    # Themes: the facilitator groups notes of a question; a theme can become a wish (themes_views.py).
    path(
        WORKSHOP + "vragen/<uuid:question_uuid>/themas/",
        themes_views.workshop_theme_make,
        name="workshop_theme_make",
    ),
    *(
        path(
            WORKSHOP + f"themas/<uuid:note_theme_uuid>/{action}/",
            themes_views.workshop_theme_change,
            {"action": action},
            name=f"workshop_theme_{action.replace('-', '_')}",
        )
        for action in themes_views.THEME_ACTIONS
    ),
    path(
        WORKSHOP + "notities/<uuid:note_uuid>/uit-thema/",
        themes_views.workshop_note_unthemed,
        name="workshop_note_unthemed",
    ),
    path(WORKSHOP + "presenteren/vraag/", views.workshop_move, name="workshop_move"),
    # A session started from a round: its questions on the round's results, the opening slides.
    path(WORKSHOP + "uit-meting/", views_round.workshop_from_round, name="workshop_from_round"),
    path(WORKSHOP + "presenteren/dia/", views_round.workshop_slide, name="workshop_slide"),
    path(WORKSHOP + "vragen/<uuid:question_uuid>/samenvoegen/", views.workshop_merge, name="workshop_merge"),
    *(
        path(
            WORKSHOP + f"stemmen-{action}/", views.workshop_voting, {"action": action}, name=f"workshop_voting_{action}"
        )
        for action in ("sluiten", "openen")
    ),
    path(WORKSHOP + "beeindigen/", views.workshop_end, name="workshop_end"),
    path(WORKSHOP + "nieuwe-code/", views.workshop_new_code, name="workshop_new_code"),
    path(WORKSHOP + "agenda/", views.workshop_agenda, name="workshop_agenda"),
    path(WORKSHOP + "agenda.pdf", views.workshop_agenda_pdf, name="workshop_agenda_pdf"),
    path(WORKSHOP + "wensen/<uuid:wish_uuid>/actie/", views.wish_to_action, name="workshop_wish_to_action"),
    # Participants: no account, a short code and a cookie valid only under the session's path.
    path("werksessie/", participant.join, name="workshop_join"),
    path(PARTICIPANT, participant.home, name="participant_home"),
    path(PARTICIPANT + "vraag/<uuid:question_uuid>/", participant.question, name="participant_question"),
    path(PARTICIPANT + "notitie/<uuid:note_uuid>/", participant.note_edit, name="participant_note_edit"),
    path(
        PARTICIPANT + "notitie/<uuid:note_uuid>/verwijderen/", participant.note_delete, name="participant_note_delete"
    ),
    path(PARTICIPANT + "vraag/<uuid:question_uuid>/wens/", participant.question_wish, name="participant_question_wish"),
    path(PARTICIPANT + "nu/", participant.now, name="participant_now"),
    path(PARTICIPANT + "wensen/", participant.wishes, name="participant_wishes"),
    path(PARTICIPANT + "wensen/<uuid:wish_uuid>/wijzigen/", participant.wish_edit, name="participant_wish_edit"),
    path(PARTICIPANT + "wensen/<uuid:wish_uuid>/verwijderen/", participant.wish_delete, name="participant_wish_delete"),
    *(
        path(
            PARTICIPANT + f"wensen/<uuid:wish_uuid>/{action}/",
            participant.vote,
            {"action": action},
            name=f"participant_{action}",
        )
        for action in ("stemmen", "intrekken")
    ),
]
