def test_the_api_schema_is_served(api, db):
    response = api.get("/api/schema/")
    assert response.status_code == 200
