from django.urls import path

from cjgscan.development import views, views_scores

ACTIONS = "o/<uuid:org_uuid>/acties/"
ACTION = ACTIONS + "<uuid:action_uuid>/"

urlpatterns = [
    path(ACTIONS, views.action_list, name="action_list"),
    path(ACTIONS + "nieuw/", views.action_create, name="action_create"),
    path(ACTIONS + "export.csv", views.action_export, name="action_export"),
    path(ACTION, views.action_detail, name="action_detail"),
    path(ACTION + "bewerken/", views.action_edit, name="action_edit"),
    path(ACTION + "fase/", views.action_phase, name="action_phase"),
    path(ACTION + "notitie/", views.action_note, name="action_note"),
    path(ACTION + "verwijderen/", views.action_delete, name="action_delete"),
    path(
        "o/<uuid:org_uuid>/metingen/<uuid:round_uuid>/afgesproken-scores/",
        views_scores.agreed_scores,
        name="agreed_scores",
    ),
]
