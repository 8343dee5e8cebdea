from django.db import migrations, models

import quizzes.models


def number_existing(apps, schema_editor):
    Choice = apps.get_model("quizzes", "Choice")
    choices = list(Choice.objects.only("pk"))
    for choice in choices:
        choice.public_id = quizzes.models.new_public_id()
    Choice.objects.bulk_update(choices, ["public_id"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_statistics_staleness_from_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="choice",
            name="public_id",
            field=models.PositiveIntegerField(null=True, editable=False, verbose_name="public id"),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="choice",
            name="public_id",
            field=models.PositiveIntegerField(
                default=quizzes.models.new_public_id, editable=False, verbose_name="public id"
            ),
        ),
        migrations.AddConstraint(
            model_name="choice",
            constraint=models.UniqueConstraint(fields=("question", "public_id"), name="quizzes_choice_public_id_unique"),
        ),
    ]
