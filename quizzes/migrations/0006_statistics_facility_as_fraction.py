from django.db import migrations


def recompute_later(apps, schema_editor):
    """Statistics computed before facility became a fraction (0 to 1) are stale: the next request recomputes them."""
    apps.get_model("quizzes", "QuizStatistics").objects.update(computed_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0005_quiz_counts_for_completion"),
    ]

    operations = [migrations.RunPython(recompute_later, migrations.RunPython.noop)]
