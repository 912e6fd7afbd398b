def test_it_serves_the_login_page(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200


def test_world_builds(world):
    assert world.site_a.path.startswith(world.hospital_a.path)
