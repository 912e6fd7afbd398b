import pytest

from vigie.exposure.engine.cpe import compare_versions, make_cpe, parse_cpe, version_in_range


@pytest.mark.parametrize(("older", "newer"), [
    ("9.2p1", "9.3"), ("2.4.6", "2.4.58"), ("9.2", "9.2p1"), ("9.2p1", "9.2p2"), ("10.2.9", "10.2.9-h1"),
    ("22.7R2.4", "22.7R2.5"), ("9.1R18", "22.7"), ("1.0rc1", "1.0"), ("9.8(4)20", "9.8.4.21"),
    ("13.0-47.24", "13.0-91.13"), ("7.0", "7.0 U1c"), ("7.0 U1b", "7.0 U1c"), ("2021.0.5", "2021.0.6"),
])
def test_versions_compare_token_by_token(older, newer):
    assert compare_versions(older, newer) == -1
    assert compare_versions(newer, older) == 1


@pytest.mark.parametrize(("short", "spelled"), [
    ("7.0 U1c", "7.0update1c"), ("8.0 U3d", "8.0update3d"), ("8.8.15p31", "8.8.15patch31"), ("9.2p1", "9.2patch1"),
])
def test_spelled_out_update_markers_read_as_the_short_ones(short, spelled):
    assert compare_versions(short, spelled) == 0


def test_a_range_in_vmware_notation_judges_nvd_update_fields():
    cpe = parse_cpe("cpe:2.3:o:vmware:esxi:7.0:update1b:*:*:*:*:*:*")
    assert version_in_range(cpe.full_version, start_including="7.0", end_excluding="7.0 U1c")
    assert not version_in_range("7.0update1c", start_including="7.0", end_excluding="7.0 U1c")
    assert not version_in_range("7.0update2", start_including="7.0", end_excluding="7.0 U1c")


def test_trailing_zeros_do_not_count():
    assert compare_versions("2.4", "2.4.0") == 0


def test_ranges_follow_nvd_bounds():
    assert version_in_range("9.2p1", end_excluding="9.3p2")
    assert not version_in_range("9.3p2", end_excluding="9.3p2")
    assert version_in_range("2.4.55", start_including="2.4.0", end_including="2.4.55")
    assert not version_in_range("2.4.58", start_including="2.4.0", end_including="2.4.55")
    assert not version_in_range("2.4.0", start_excluding="2.4.0")
    assert version_in_range("6.0", exact="6.0") and not version_in_range("6.0.1", exact="6.0")
    assert not version_in_range("", end_excluding="9.3"), "no version, no match"


def test_parse_cpe_reads_escapes_and_joins_the_update():
    cpe = parse_cpe(r"cpe:2.3:a:openbsd:openssh:9.2:p1:*:*:*:*:*:*")
    assert (cpe.vendor, cpe.product, cpe.full_version) == ("openbsd", "openssh", "9.2p1")
    assert parse_cpe(make_cpe("Apache", "HTTP Server", "2.4.58")).product == "http_server"
    assert parse_cpe(r"cpe:2.3:a:vendor:a\:b:1:*:*:*:*:*:*:*").product == "a:b"
    with pytest.raises(ValueError, match="13 components"):
        parse_cpe("cpe:2.3:a:openbsd:openssh")
    with pytest.raises(ValueError, match="not a CPE 2.3"):
        parse_cpe("cpe:/a:openbsd:openssh:9.2")
