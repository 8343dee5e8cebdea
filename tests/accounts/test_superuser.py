from django.core.management import call_command

from accounts.models import User


def test_createsuperuser_works_from_the_environment_alone(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Mat-Khau-Quan-Tri-2026")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@backan.gov.vn")
    monkeypatch.setenv("DJANGO_SUPERUSER_FULL_NAME", "Quản Trị Hệ Thống")
    call_command("createsuperuser", interactive=False, verbosity=0)
    root = User.objects.get(username="root")
    assert root.is_superuser and root.full_name == "Quản Trị Hệ Thống"
    assert root.check_password("Mat-Khau-Quan-Tri-2026")
    assert root.roles == ["learner", "instructor", "hr", "admin"]
