"""The people list and person page go through the access helper."""

from tests.factories import make_person


def test_it_shows_a_person_in_scope(client, cast):
    client.force_login(cast.lead)
    response = client.get(f"/people/{cast.trainee.profile.pk}/")
    assert response.status_code == 200
    assert "李明轩" in response.content.decode()


def test_it_gives_404_for_a_person_out_of_scope(client, cast):
    client.force_login(cast.other_lead)
    response = client.get(f"/people/{cast.trainee.profile.pk}/")
    assert response.status_code == 404
    assert "李明轩" not in response.content.decode()


def test_it_lists_only_people_in_scope(client, cast):
    client.force_login(cast.other_lead)
    html = client.get("/people/").content.decode()
    assert "林嘉怡" in html
    assert "李明轩" not in html


def test_it_searches_by_name_or_employee_number(client, cast):
    client.force_login(cast.lead)
    assert "李明轩" in client.get("/people/?q=T0001").content.decode()
    assert "李明轩" not in client.get("/people/?q=王建国").content.decode()


def test_it_paginates_long_lists(client, cast):
    for i in range(30):
        make_person(f"extra{i}", role="trainee", region=cast.org.sh)
    client.force_login(cast.lead)
    html = client.get("/people/").content.decode()
    assert 'rel="next"' in html
    assert "第 1 页，共 2 页" in html
    assert client.get("/people/?page=2").status_code == 200
