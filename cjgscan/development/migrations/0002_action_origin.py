# Actions made from a work-session wish stored "wish <the wish's uuid>" as their source. The wish keeps the link
# (Wish.action_uuid) and cjgscan.development.origin puts it in words, so the source becomes the plain code "wish".

from django.db import migrations


def drop_wish_uuids(apps, schema_editor):
    Action = apps.get_model("development", "Action")
    Action.objects.filter(source__startswith="wish ").update(source="wish")


class Migration(migrations.Migration):

    dependencies = [
        ('development', '0001_actions_and_agreed_scores'),
    ]

    operations = [
        migrations.RunPython(drop_wish_uuids, migrations.RunPython.noop),
    ]
