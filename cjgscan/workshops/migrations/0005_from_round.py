# A work session started from a closed round: the round, the opening slide shown, questions on the round's results
# (their texts per language and the codes of their key and characteristic), and the question a wish was made under.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('rounds', '0006_claimed_reminders'),
        ('workshops', '0004_note_themes'),
    ]

    operations = [
        migrations.AddField(
            model_name='workshop',
            name='round',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='workshops', to='rounds.round', verbose_name='round'),
        ),
        migrations.AddField(
            model_name='workshop',
            name='slide',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='workshopquestion',
            name='suggested_text',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name='workshopquestion',
            name='key_code',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name='workshopquestion',
            name='characteristic_code',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name='wish',
            name='question',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='wishes', to='workshops.workshopquestion'),
        ),
    ]
