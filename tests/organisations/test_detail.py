from django.urls import reverse

from vigie.organisations.models import Contact


def detail(org):
    return reverse("organisations:detail", args=[org.uuid])


def test_it_answers_404_for_another_hospital(world, as_user):
    response = as_user(world.alice).get(detail(world.hospital_b))
    assert response.status_code == 404
    assert "CH B" not in response.content.decode()


def test_it_shows_the_fields_children_and_contacts(world, as_user):
    Contact.objects.create(organisation=world.hospital_a, name="Jeanne RSSI", function="rssi")
    body = as_user(world.auditor_a).get(detail(world.hospital_a)).content.decode()
    assert world.hospital_a.finess in body
    assert world.site_a.get_absolute_url() in body
    assert "Jeanne RSSI" in body


def test_it_shows_only_visible_ancestors_in_the_breadcrumb(world, as_user):
    body = as_user(world.alice).get(detail(world.site_a)).content.decode()
    assert world.hospital_a.get_absolute_url() in body
    assert world.ght_a.get_absolute_url() not in body
    assert "GHT A" not in body


def test_it_shows_a_site_legal_status_as_inherited(world, as_user):
    response = as_user(world.alice).get(detail(world.site_a))
    assert response.context["legal_status_inherited"] is True
    assert world.site_a.legal_status == ""
    assert response.context["legal_status"]  # the legal entity's status, shown on the site


def test_it_shows_actions_only_when_allowed(world, as_user):
    edit = reverse("organisations:edit", args=[world.hospital_a.uuid])
    members = reverse("organisations:members", args=[world.hospital_a.uuid])
    delete = reverse("organisations:delete", args=[world.hospital_a.uuid])
    reader = as_user(world.auditor_a).get(detail(world.hospital_a))
    body = reader.content.decode()
    assert edit not in body and members not in body and delete not in body
    assert reader.context["members"] is None
    manager = as_user(world.ght_manager).get(detail(world.hospital_a))
    body = manager.content.decode()
    assert edit in body and members in body
    assert delete not in body  # deleting needs an administrator
    assert manager.context["members"]  # alice, auditor_a and contrib_a hold roles on CH A
    admin = as_user(world.alice).get(detail(world.hospital_a)).content.decode()
    assert delete in admin
    assert reverse("organisations:create", args=[world.hospital_a.uuid]) + "?kind=site" in admin


def test_it_sums_the_activity_shares_and_hints_the_ght_threshold(world, as_user):
    response = as_user(world.ght_manager).get(detail(world.ght_a))
    shares = response.context["shares"]
    assert shares["total"] == 60
    assert shares["ght"] is True and shares["meets_threshold"] is False
    assert "66" in response.content.decode()


def test_the_tree_fragment_nests_the_subtree_and_hides_other_tenants(world, as_user):
    client = as_user(world.ars_a)
    body = client.get(reverse("organisations:tree", args=[world.ght_a.uuid])).content.decode()
    assert world.site_a.get_absolute_url() in body
    assert "<html" not in body
    assert client.get(reverse("organisations:tree", args=[world.ght_b.uuid])).status_code == 404


def test_a_region_shows_no_share_summary_and_links_to_its_matrix(world, as_user):
    """A region's children are GHTs and clinics: their activity shares add up to nothing, so no "declared
    shares 0 %" there; the page leads to the region's steering matrix instead."""
    response = as_user(world.ars_a).get(detail(world.region_a))
    assert response.context["shares"] is None
    body = response.content.decode()
    assert "Parts déclarées" not in body and "Declared shares" not in body
    assert reverse("steering:matrix", args=[world.region_a.uuid]) in body
    assert as_user(world.national_admin).get(detail(world.national)).context["shares"] is None
