"""The local vulnerability knowledge base: CVEs keyed by CPE, with the CISA KEV flag.

    db = VulnDB.open(path)                # creates the SQLite file if needed, loads the starter set
    db.import_nvd("nvdcve-2.0-2024.json.gz")  -> ImportCounts   (NVD CVE API 2.0 JSON feed)
    db.import_kev("known_exploited_vulnerabilities.json") -> ImportCounts
    db.import_file(path)                  # either, recognised from its content
    db.lookup("cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*") -> tuple[Vuln, ...]

Every import runs in one transaction: a file that is not readable, not JSON, truncated, or not in the
expected shape raises `VulnDBError` naming the file and the problem, and changes nothing.
"""

from ._db import ImportCounts, Stats, Vuln, VulnDB, starter_db

__all__ = ["ImportCounts", "Stats", "Vuln", "VulnDB", "starter_db"]
