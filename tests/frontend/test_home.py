def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_the_home_page_shows_the_person_their_unit_and_role(learner, signed_in):
    page = signed_in(learner).get("/").content.decode()
    assert "Nông Văn Học" in page
    assert "Xã Thượng Giáo" in page
    assert "Học viên" in page


def test_everyone_can_download_their_data_and_change_their_password(learner, signed_in):
    page = signed_in(learner).get("/").content.decode()
    assert 'href="/api/v1/me/data/"' in page
    assert 'href="/accounts/password_change/"' in page


def test_a_learner_sees_no_staff_links(learner, signed_in):
    page = signed_in(learner).get("/").content.decode()
    assert 'href="/admin/"' not in page
    assert 'href="/api/docs/"' not in page


def test_courses_and_certificates_are_honest_empty_states(learner, signed_in):
    page = signed_in(learner).get("/").content.decode()
    assert "Chưa có khóa học nào." in page
    assert "Chưa có giấy chứng nhận nào." in page


def test_an_admin_finds_the_admin_site_the_audit_log_and_the_api_docs(admin_user, signed_in):
    page = signed_in(admin_user).get("/").content.decode()
    assert 'href="/admin/"' in page
    assert 'href="/api/docs/"' in page
    assert 'href="/admin/accounts/auditentry/"' in page


def test_an_hr_officer_sees_how_many_people_are_in_their_scope(hr_babe, learner, outsider, signed_in):
    page = signed_in(hr_babe).get("/").content.decode()
    assert 'class="stat">1<' in page
    assert "Huyện Ba Bể" in page


def test_the_home_page_takes_a_fixed_number_of_queries(hr_babe, learner, outsider, signed_in,
                                                       django_assert_max_num_queries):
    client = signed_in(hr_babe)
    with django_assert_max_num_queries(10):
        assert client.get("/").status_code == 200
