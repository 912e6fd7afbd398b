"""Tree rules held by Organisation.clean() and save()."""

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import make_org
from vigie.organisations.finess import with_key
from vigie.organisations.models import Organisation


def test_it_refuses_a_site_under_a_ght(world):
    site = Organisation(kind="site", name="Site", parent=world.ght_a, finess=with_key("75000100"))
    with pytest.raises(ValidationError) as exc:
        site.full_clean()
    assert "parent" in exc.value.message_dict


def test_it_allows_a_clinic_under_a_region(world):
    clinic = make_org(kind="legal_entity", name="Clinique D", parent=world.region_a, finess=with_key("75000101"),
                      legal_status="private_for_profit")
    assert clinic.path.startswith(world.region_a.path)


def test_it_refuses_a_move_under_its_own_descendant(world):
    entity = Organisation.objects.get(pk=world.hospital_a.pk)
    entity.parent = Organisation.objects.get(pk=world.site_a.pk)
    with pytest.raises(ValidationError) as exc:
        entity.full_clean()
    assert "parent" in exc.value.message_dict


def test_it_refuses_a_move_under_itself_when_the_kind_would_allow_it(world):
    # A legal entity may sit under a region; the clinic cannot go under itself.
    clinic = Organisation.objects.get(pk=world.clinic.pk)
    clinic.parent = clinic
    with pytest.raises(ValidationError):
        clinic.full_clean()


def test_it_updates_the_paths_of_the_subtree_after_a_move(world):
    entity = Organisation.objects.get(pk=world.hospital_a.pk)
    entity.parent = world.region_b
    entity.activity_share = None
    entity.full_clean()
    entity.save()
    site = Organisation.objects.get(pk=world.site_a.pk)
    assert entity.path.startswith(world.region_b.path)
    assert site.path == entity.path + site.path[-7:]
    assert site.path.startswith(world.region_b.path)
    assert not Organisation.objects.filter(path__startswith=world.ght_a.path).filter(pk=site.pk).exists()


def test_it_refuses_activity_shares_over_100(world):
    # CH A already declares 60 % under GHT A.
    second = Organisation(kind="legal_entity", name="CH A2", parent=world.ght_a, finess=with_key("75000102"),
                          legal_status="public", activity_share="41")
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert "activity_share" in exc.value.message_dict
    second.activity_share = "40"
    second.full_clean()  # exactly 100 % is fine


def test_it_refuses_an_activity_share_on_a_ght(world):
    ght = Organisation(kind="ght", name="GHT C", parent=world.region_a, activity_share="10")
    with pytest.raises(ValidationError) as exc:
        ght.full_clean()
    assert "activity_share" in exc.value.message_dict


def test_a_stale_copy_does_not_write_back_an_old_path(world):
    """Load CH A, move its GHT to region B meanwhile, then save the old copy: its path follows the move."""
    stale = Organisation.objects.get(pk=world.hospital_a.pk)
    ght = Organisation.objects.get(pk=world.ght_a.pk)
    ght.parent = world.region_b
    ght.save()
    stale.name = "CH A renamed"
    stale.save()
    moved = Organisation.objects.get(pk=world.hospital_a.pk)
    assert moved.path.startswith(world.region_b.path)
    assert Organisation.objects.get(pk=world.site_a.pk).path.startswith(moved.path)
    assert stale.path == moved.path
