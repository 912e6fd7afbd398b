"""The interface is French first: every catalogue entry is translated, none left fuzzy, all compiled."""

import gettext
import re
from pathlib import Path

import pytest

import vigie

CATALOGUES = sorted(Path(vigie.__file__).parent.glob("**/locale/fr/LC_MESSAGES/django.po"))


def entries(text: str):
    """(msgid, is_translated) for each entry of a .po file but the header."""
    for entry in text.split("\n\n")[1:]:
        entry = "\n".join(line for line in entry.splitlines() if not line.startswith("#~"))
        if "msgid" not in entry:
            continue
        msgid = "".join(re.findall(r'"(.*)"', entry.split("msgid_plural")[0].split("msgstr")[0]))
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry, re.M)
        done = "#, fuzzy" not in entry and bool(strings) and all("".join(re.findall(r'"(.*)"', s)) for s in strings)
        yield msgid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"), done


def test_there_are_catalogues_for_every_app():
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"vigie", "core", "accounts", "organisations"} <= apps


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_string_is_translated_and_compiled(po):
    found = list(entries(po.read_text(encoding="utf-8")))
    assert [msgid for msgid, done in found if not done] == []
    with po.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog
    singular = {key[0] if isinstance(key, tuple) else key for key in compiled}
    assert [msgid for msgid, _ in found if msgid not in singular] == [], "run compilemessages"
