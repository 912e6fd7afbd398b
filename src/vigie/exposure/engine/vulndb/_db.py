"""SQLite storage of the knowledge base (stdlib sqlite3; one file, the path given by the caller)."""

from __future__ import annotations

import gzip
import json
import sqlite3
import threading
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no stubs; safe_load only

from ..cpe import parse_cpe, version_in_range
from ..errors import VulnDBError

_SCHEMA = """
create table if not exists meta (key text primary key, value text not null);
create table if not exists vuln (
    cve text primary key, cvss real, summary text not null default '', published text not null default '',
    source text not null);
create table if not exists match (
    cve text not null references vuln(cve) on delete cascade, vendor text not null, product text not null,
    version text not null, start_incl text not null, start_excl text not null,
    end_incl text not null, end_excl text not null, criteria text not null);
create index if not exists match_product on match (vendor, product);
create index if not exists match_cve on match (cve);
create table if not exists kev (
    cve text primary key, vendor text not null, product text not null, date_added text not null,
    ransomware integer not null, name text not null default '', source text not null);
"""
STARTER_VERSION = "2"  # raise whenever data/starter.yaml changes: existing bases reload it
_RANGE_KEYS = ("versionStartIncluding", "versionStartExcluding", "versionEndIncluding", "versionEndExcluding")


@dataclass(frozen=True, slots=True)
class Vuln:
    cve: str
    cvss: float | None  # base score (CVSS 3.1, else 4.0, 3.0, 2.0)
    summary: str
    kev: bool  # in CISA's Known Exploited Vulnerabilities catalogue
    kev_date_added: str = ""
    ransomware: bool = False  # KEV's knownRansomwareCampaignUse is "Known"
    criteria: str = ""  # the vulnerable CPE match that matched
    source: str = ""  # "nvd" or "starter"


@dataclass(frozen=True, slots=True)
class ImportCounts:
    kind: str  # "nvd" or "kev"
    vulnerabilities: int  # CVEs (NVD) or catalogue entries (KEV) read
    matches: int = 0  # vulnerable CPE matches stored (NVD)


@dataclass(frozen=True, slots=True)
class Stats:
    vulnerabilities: int
    matches: int
    kev: int
    by_source: Mapping[str, int]
    kev_catalog: str  # catalogVersion of the last KEV import, "" when none


def _read_json(path: Path) -> Any:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise VulnDBError(name, f"cannot read the file ({error.strerror or error})") from error
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            raise VulnDBError(name, f"damaged or truncated gzip file ({error})") from error
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise VulnDBError(name, "not a UTF-8 text file") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise VulnDBError(name, f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}") from error


def _kind(data: Any) -> str:
    if isinstance(data, dict) and isinstance(data.get("vulnerabilities"), list):
        if "catalogVersion" in data:
            return "kev"
        if data.get("format") == "NVD_CVE" or all(isinstance(v, dict) and "cve" in v for v in data["vulnerabilities"]):
            return "nvd"
    return ""


def _score(metrics: Any) -> float | None:
    if not isinstance(metrics, dict):
        return None
    for key in ("cvssMetricV31", "cvssMetricV40", "cvssMetricV30", "cvssMetricV2"):
        entries = [m for m in metrics.get(key) or () if isinstance(m, dict)]
        entries.sort(key=lambda m: m.get("type") != "Primary")
        for entry in entries:
            score = (entry.get("cvssData") or {}).get("baseScore")
            if isinstance(score, (int, float)):
                return float(score)
    return None


class VulnDB:
    """One knowledge base file. Safe to share between threads (one connection, serialised)."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self._db = connection
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> VulnDB:
        """Open (creating if needed) the base at `path`, ":memory:" for a throwaway one, and make sure
        the curated starter set is loaded."""
        name = str(path)
        try:
            connection = sqlite3.connect(name, check_same_thread=False, isolation_level=None)
            connection.execute("pragma foreign_keys = on")
            connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise VulnDBError(name, f"not a Vigie knowledge base ({error})") from error
        db = cls(connection, name)
        db._load_starter()
        return db

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("begin immediate")
            try:
                yield self._db
            except BaseException:
                self._db.execute("rollback")
                raise
            self._db.execute("commit")

    # -- imports -------------------------------------------------------------------------------------

    def import_file(self, path: str | Path) -> ImportCounts:
        """Import an NVD 2.0 or a CISA KEV file, recognised from its content."""
        file = Path(path)
        data = _read_json(file)
        kind = _kind(data)
        if kind == "nvd":
            return self._import_nvd(str(file), data)
        if kind == "kev":
            return self._import_kev(str(file), data)
        raise VulnDBError(str(file), "neither an NVD CVE 2.0 feed (\"vulnerabilities\": [{\"cve\": …}]) "
                                     "nor a CISA KEV catalogue (\"catalogVersion\", \"vulnerabilities\")")

    def import_nvd(self, path: str | Path) -> ImportCounts:
        """Import an NVD CVE API 2.0 JSON feed (.json or .json.gz); CVEs already known are replaced."""
        return self._import_as(path, "nvd", "not an NVD CVE 2.0 feed: expected an object with "
                                            "\"vulnerabilities\": [{\"cve\": {…}}]")

    def import_kev(self, path: str | Path) -> ImportCounts:
        """Import the CISA Known Exploited Vulnerabilities JSON catalogue (replaces the previous one)."""
        return self._import_as(path, "kev", "not a CISA KEV catalogue: expected an object with "
                                            "\"catalogVersion\" and \"vulnerabilities\": [{\"cveID\": …}]")

    def _import_as(self, path: str | Path, kind: str, refusal: str) -> ImportCounts:
        """Import the file as ``kind`` ("nvd" or "kev"); VulnDBError(refusal) when it is something else."""
        file = Path(path)
        data = _read_json(file)
        if _kind(data) != kind:
            raise VulnDBError(str(file), refusal)
        return (self._import_nvd if kind == "nvd" else self._import_kev)(str(file), data)

    def _import_nvd(self, name: str, data: dict[str, Any]) -> ImportCounts:
        rows: list[tuple[str, float | None, str, str]] = []
        matches: list[tuple[str, ...]] = []
        for index, item in enumerate(data["vulnerabilities"]):
            cve = item.get("cve") if isinstance(item, dict) else None
            where = f"vulnerabilities[{index}]"
            if not isinstance(cve, dict) or not isinstance(cve.get("id"), str) or not cve["id"].startswith("CVE-"):
                raise VulnDBError(name, f"{where}: no \"cve\" object with a CVE id")
            cve_id = cve["id"]
            summary = next((d.get("value", "") for d in cve.get("descriptions") or ()
                            if isinstance(d, dict) and d.get("lang") == "en"), "")
            rows.append((cve_id, _score(cve.get("metrics")), str(summary), str(cve.get("published", ""))))
            for configuration in cve.get("configurations") or ():
                for node in (configuration or {}).get("nodes") or ():
                    if not isinstance(node, dict) or node.get("negate"):
                        continue
                    for match in node.get("cpeMatch") or ():
                        if not isinstance(match, dict) or not match.get("vulnerable"):
                            continue
                        criteria = match.get("criteria")
                        try:
                            cpe = parse_cpe(str(criteria))
                        except ValueError as error:
                            raise VulnDBError(name, f"{where} ({cve_id}): {error}") from error
                        bounds = tuple(str(match.get(key) or "") for key in _RANGE_KEYS)
                        matches.append((cve_id, cpe.vendor, cpe.product, cpe.full_version, *bounds, str(criteria)))
        with self._transaction() as db:
            for row in rows:
                db.execute("delete from match where cve = ?", (row[0],))
                db.execute("insert or replace into vuln (cve, cvss, summary, published, source) "
                           "values (?, ?, ?, ?, 'nvd')", row)
            db.executemany("insert into match values (?, ?, ?, ?, ?, ?, ?, ?, ?)", matches)
        return ImportCounts("nvd", len(rows), len(matches))

    def _import_kev(self, name: str, data: dict[str, Any]) -> ImportCounts:
        rows: list[tuple[str, str, str, str, int, str]] = []
        for index, item in enumerate(data["vulnerabilities"]):
            if not isinstance(item, dict) or not str(item.get("cveID", "")).startswith("CVE-"):
                raise VulnDBError(name, f"vulnerabilities[{index}]: no \"cveID\"")
            rows.append((item["cveID"], str(item.get("vendorProject", "")), str(item.get("product", "")),
                         str(item.get("dateAdded", "")), int(item.get("knownRansomwareCampaignUse") == "Known"),
                         str(item.get("vulnerabilityName", ""))))
        with self._transaction() as db:
            db.execute("delete from kev where source = 'kev'")
            db.executemany("insert or replace into kev values (?, ?, ?, ?, ?, ?, 'kev')", rows)
            db.execute("insert or replace into meta values ('kev_catalog', ?)", (str(data.get("catalogVersion", "")),))
        return ImportCounts("kev", len(rows))

    # -- the curated starter set ---------------------------------------------------------------------

    def _load_starter(self) -> None:
        with self._lock:
            row = self._db.execute("select value from meta where key = 'starter'").fetchone()
        if row and row[0] == STARTER_VERSION:
            return
        entries = load_starter()
        with self._transaction() as db:
            for entry in entries:
                known = db.execute("select source from vuln where cve = ?", (entry["cve"],)).fetchone()
                if known and known[0] == "nvd":
                    continue  # an NVD import knows more than the starter set
                db.execute("delete from match where cve = ?", (entry["cve"],))
                db.execute("insert or replace into vuln values (?, ?, ?, '', 'starter')",
                           (entry["cve"], entry["cvss"], entry["title"]))
                products = entry["product"] if isinstance(entry["product"], list) else [entry["product"]]
                for product in products:
                    for rng in entry["ranges"]:
                        exact = rng.get("version", "*")
                        criteria = f"cpe:2.3:{entry['part']}:{entry['vendor']}:{product}:{exact}:*:*:*:*:*:*:*"
                        db.execute("insert into match values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   (entry["cve"], entry["vendor"], product, exact, rng.get("from", ""), "",
                                    rng.get("through", ""), rng.get("before", ""), criteria))
                if entry.get("kev"):
                    db.execute("insert or ignore into kev values (?, ?, ?, ?, ?, ?, 'starter')",
                               (entry["cve"], entry["kev"]["vendor"], entry["kev"]["product"],
                                entry["kev"]["date_added"], int(bool(entry["kev"].get("ransomware"))), entry["title"]))
            db.execute("insert or replace into meta values ('starter', ?)", (STARTER_VERSION,))

    # -- queries -------------------------------------------------------------------------------------

    def lookup(self, cpe: str) -> tuple[Vuln, ...]:
        """The vulnerabilities whose vulnerable ranges contain this CPE's version, highest score first.
        A CPE without a version ("*" or "-") matches nothing: a range cannot be judged without it."""
        try:
            wanted = parse_cpe(cpe)
        except ValueError as error:
            raise VulnDBError(cpe, str(error)) from error
        version = wanted.full_version
        with self._lock:
            rows = self._db.execute(
                "select m.cve, m.version, m.start_incl, m.start_excl, m.end_incl, m.end_excl, m.criteria, "
                "v.cvss, v.summary, v.source, k.date_added, k.ransomware "
                "from match m join vuln v on v.cve = m.cve left join kev k on k.cve = m.cve "
                "where m.vendor = ? and m.product = ?", (wanted.vendor, wanted.product)).fetchall()
        found: dict[str, Vuln] = {}
        for cve, exact, s_in, s_ex, e_in, e_ex, criteria, cvss, summary, source, kev_date, ransomware in rows:
            if cve in found or not version_in_range(version, exact=exact, start_including=s_in, start_excluding=s_ex,
                                                    end_including=e_in, end_excluding=e_ex):
                continue
            found[cve] = Vuln(cve=cve, cvss=cvss, summary=summary, kev=kev_date is not None,
                              kev_date_added=kev_date or "", ransomware=bool(ransomware), criteria=criteria,
                              source=source)
        return tuple(sorted(found.values(), key=lambda v: (-(v.cvss or 0.0), v.cve)))

    def is_kev(self, cve: str) -> bool:
        with self._lock:
            return self._db.execute("select 1 from kev where cve = ?", (cve,)).fetchone() is not None

    def stats(self) -> Stats:
        with self._lock:
            db = self._db
            vulns = db.execute("select count(*) from vuln").fetchone()[0]
            matches = db.execute("select count(*) from match").fetchone()[0]
            kev = db.execute("select count(*) from kev").fetchone()[0]
            by_source = dict(db.execute("select source, count(*) from vuln group by source").fetchall())
            row = db.execute("select value from meta where key = 'kev_catalog'").fetchone()
        return Stats(vulns, matches, kev, by_source, row[0] if row else "")


_ENTRY_KEYS = {"cve", "title", "part", "vendor", "product", "cvss", "kev", "ranges"}
_RANGE_SHAPES = ({"version"}, {"before"}, {"through"}, {"from", "before"}, {"from", "through"})
_KEV_KEYS = {"vendor", "product", "date_added", "ransomware"}


def check_starter(entries: Any, source: str = "starter.yaml") -> list[dict[str, Any]]:
    """Validate the starter set's shape; ValueError naming the entry and what is wrong."""
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{source}: expected a non-empty list under \"vulnerabilities\"")
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{source}, entry {index + 1}"
        if not isinstance(entry, dict) or not _ENTRY_KEYS - {"kev"} <= set(entry) <= _ENTRY_KEYS:
            raise ValueError(f"{where}: expected the keys {sorted(_ENTRY_KEYS)} (kev optional)")
        cve = entry["cve"]
        where = f"{source}, {cve}"
        if not isinstance(cve, str) or not cve.startswith("CVE-") or cve in seen:
            raise ValueError(f"{where}: not a CVE id, or listed twice")
        seen.add(cve)
        products = entry["product"] if isinstance(entry["product"], list) else [entry["product"]]
        if entry["part"] not in ("a", "o", "h") or not all(isinstance(p, str) and p for p in products):
            raise ValueError(f"{where}: part must be a, o or h and product a name or a list of names")
        if not isinstance(entry["cvss"], (int, float)) or not 0 < entry["cvss"] <= 10:
            raise ValueError(f"{where}: cvss must be a base score between 0 and 10")
        kev = entry.get("kev")
        if kev is not None and (not isinstance(kev, dict) or set(kev) != _KEV_KEYS):
            raise ValueError(f"{where}: kev must have the keys {sorted(_KEV_KEYS)}")
        if not isinstance(entry["ranges"], list) or not entry["ranges"]:
            raise ValueError(f"{where}: at least one range")
        for rng in entry["ranges"]:
            if not isinstance(rng, dict) or set(rng) not in _RANGE_SHAPES:
                raise ValueError(f"{where}: a range is {{version}}, {{from?, before}} or {{from?, through}}: {rng}")
            if not all(isinstance(value, str) and value for value in rng.values()):
                # a bare 9.10 in YAML is the float 9.1: versions must be written as strings
                raise ValueError(f"{where}: quote the versions of {rng}")
    return entries


def load_starter() -> list[dict[str, Any]]:
    """The curated starter set shipped with Vigie (data/starter.yaml), validated."""
    text = resources.files(__package__).joinpath("data/starter.yaml").read_text(encoding="utf-8")
    return check_starter((yaml.safe_load(text) or {}).get("vulnerabilities"))


_STARTER: VulnDB | None = None
_STARTER_LOCK = threading.Lock()


def starter_db() -> VulnDB:
    """An in-memory base holding only the starter set (what the checks use when given no base)."""
    global _STARTER
    with _STARTER_LOCK:
        if _STARTER is None:
            _STARTER = VulnDB.open(":memory:")
        return _STARTER
