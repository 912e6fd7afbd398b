"""Twenty people writing to the same log at once: nothing lost, one order for everyone (real threads, each
with its own database connection, against the real database: SQLite here, PostgreSQL in CI's second pass)."""

import threading

import pytest
from django.db import connection

from tests.conftest import build_world
from vigie.exercises.log import append_entry, open_log
from vigie.exercises.models import CrisisLog, LogEntry

WRITERS = 20


@pytest.mark.django_db(transaction=True)
def test_it_keeps_every_entry_of_20_concurrent_writers_in_one_gap_free_order():
    world = build_world()
    log = open_log(organisation=world.hospital_a, title="Cellule de crise", user=world.alice)
    start = threading.Barrier(WRITERS)
    errors: list[Exception] = []

    def write(n: int) -> None:
        try:
            start.wait(timeout=30)
            append_entry(CrisisLog.objects.get(pk=log.pk), author=world.alice, category="information",
                         text=f"Message du rédacteur {n}")
        except Exception as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    rows = list(LogEntry.objects.filter(log=log).order_by("seq").values_list("seq", "text", "recorded_at"))
    assert [seq for seq, _text, _at in rows] == list(range(1, WRITERS + 1))
    assert sorted(text for _seq, text, _at in rows) == sorted(f"Message du rédacteur {n}" for n in range(WRITERS))
    stamps = [at for _seq, _text, at in rows]
    assert stamps == sorted(stamps)  # the server's clock agrees with the numbers: one order
    log.refresh_from_db()
    assert log.last_seq == WRITERS
