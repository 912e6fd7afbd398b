"""Vigie's internet-exposure engine: pure Python, no Django (see _model.py for what it produces)."""

from ._model import (
    SEVERITIES,
    Certificate,
    Coverage,
    DnsRecord,
    DomainInfo,
    Finding,
    Host,
    HttpResponse,
    PortState,
    Refusal,
    ScanResult,
    Service,
    Severity,
    TlsInfo,
)
from .checks import CHECKS, Context, closed_port_coverage, evaluate_service
from .discovery import read_names
from .errors import ExposureError, OutOfScope, ScopeError, TargetError, VulnDBError
from .limits import Limits
from .net import Connector, Resolver, ScopedConnector, SocketConnector
from .report import render_html, to_json
from .scan import default_ports, retest, scan
from .scope import Scope
from .vulndb import VulnDB

__all__ = [
    "SEVERITIES", "Certificate", "Coverage", "DnsRecord", "DomainInfo", "Finding", "Host", "HttpResponse",
    "PortState", "Refusal", "ScanResult", "Service", "Severity", "TlsInfo",
    "ExposureError", "OutOfScope", "ScopeError", "TargetError", "VulnDBError",
    "Limits", "Connector", "Resolver", "ScopedConnector", "SocketConnector", "Scope", "scan", "retest", "default_ports",
    "CHECKS", "Context", "closed_port_coverage", "evaluate_service", "read_names", "render_html", "to_json", "VulnDB",
]
