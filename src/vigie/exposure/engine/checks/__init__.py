"""The checks catalogue: every check Vigie runs on what the scanner observed.

    CHECKS                     id -> Check (the registry, read-only)
    evaluate_service(service, context) -> (findings, coverage)
    evaluate_domain(domain, context)   -> (findings, coverage)
    closed_port_coverage(address, port, context) -> coverage of a port found shut
    http_paths()               the extra paths the HTTP probe must GET
    probes_needed(check_ids)   the probes a retest of these checks needs

One module per family registers its checks with `@check(...)`; see docs/exposure-checks.md.
"""

from ._registry import (
    CHECKS,
    Check,
    Context,
    Hit,
    check,
    closed_port_coverage,
    evaluate_domain,
    evaluate_service,
    http_paths,
    probes_needed,
)
from . import auth, dns, http, mail, services, tls, vulns  # noqa: E402,F401  (they register their checks)

__all__ = ["CHECKS", "Check", "Context", "Hit", "check", "closed_port_coverage", "evaluate_domain",
           "evaluate_service", "http_paths", "probes_needed"]
