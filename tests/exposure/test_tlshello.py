"""The bare ClientHello that asks for the suites this machine's OpenSSL no longer has: what it sends,
and how the server's first bytes are read (a real server's answers are in test_checks_testbed.py)."""

import struct

import pytest

from vigie.exposure.engine.probes.tlshello import LEGACY_SUITES, chosen_suite, client_hello


def server_hello(suite: int, session: bytes = b"\x11" * 32, split: int = 0) -> bytes:
    body = b"\x03\x03" + b"\x22" * 32 + bytes([len(session)]) + session + struct.pack("!HB", suite, 0)
    message = b"\x02" + len(body).to_bytes(3, "big") + body
    parts = [message[:split], message[split:]] if split else [message]
    return b"".join(struct.pack("!BHH", 22, 0x0303, len(part)) + part for part in parts)


def test_client_hello_offers_exactly_the_legacy_suites_with_the_server_name():
    record = client_hello(list(LEGACY_SUITES), "equipement.ch-test.test")
    kind, version, length = struct.unpack("!BHH", record[:5])
    assert (kind, version, length) == (22, 0x0301, len(record) - 5)
    assert record[5] == 1 and int.from_bytes(record[6:9], "big") == len(record) - 9
    body = record[9:]
    assert body[:2] == b"\x03\x03" and body[34] == 0  # TLS 1.2, no session id
    (count,) = struct.unpack("!H", body[35:37])
    codes = [struct.unpack("!H", body[37 + i:39 + i])[0] for i in range(0, count, 2)]
    assert codes == list(LEGACY_SUITES) and 0x000A in codes and 0x0005 in codes
    assert b"equipement.ch-test.test" in body
    assert b"equipement" not in client_hello([0x000A])  # no name, no SNI extension


@pytest.mark.parametrize("split", [0, 10])  # whole, or a ServerHello split over two records
def test_server_hello_names_the_chosen_suite(split):
    assert chosen_suite(server_hello(0x000A, split=split)) == 0x000A
    assert chosen_suite(server_hello(0xC012, session=b"")) == 0xC012


def test_alert_or_partial_answer_is_no_suite_and_garbage_is_refused():
    assert chosen_suite(struct.pack("!BHH", 21, 0x0303, 2) + b"\x02\x28") is None  # handshake_failure
    assert chosen_suite(server_hello(0x000A)[:20]) is None  # not all there yet
    with pytest.raises(ValueError, match="not a TLS handshake record"):
        chosen_suite(b"HTTP/1.1 400 Bad Request\r\n\r\n")
    with pytest.raises(ValueError, match="not a ServerHello"):
        chosen_suite(struct.pack("!BHH", 22, 0x0303, 4) + b"\x0b\x00\x00\x00")
