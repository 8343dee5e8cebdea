import json

from accounts import services
from tests.conftest import client_for


def test_a_person_downloads_what_the_platform_holds_about_them(admin_user, learner):
    services.update_user(actor=admin_user, user=learner, position="Chuyên viên")
    response = client_for(learner).get("/api/v1/me/data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["full_name"] == "Nông Văn Học"
    assert data["account"]["position"] == "Chuyên viên"
    assert any(item["action"] == "user.changed" for item in data["activity"])


def test_the_download_holds_no_password_hash(learner):
    learner.set_password("Mot-Mat-Khau-Dai-2026")
    learner.save()
    content = client_for(learner).get("/api/v1/me/data/").content.decode()
    assert "argon2" not in content and "password" not in content


def test_someone_elses_data_is_not_reachable(learner, outsider):
    data = json.loads(client_for(outsider).get("/api/v1/me/data/").content)
    assert data["account"]["username"] == "ngoai"
    assert "hocvien" not in json.dumps(data)
