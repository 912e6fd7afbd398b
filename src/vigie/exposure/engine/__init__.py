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
from .errors import ExposureError, OutOfScope, ScopeError, TargetError, VulnDBError

__all__ = [
    "SEVERITIES", "Certificate", "Coverage", "DnsRecord", "DomainInfo", "Finding", "Host", "HttpResponse",
    "PortState", "Refusal", "ScanResult", "Service", "Severity", "TlsInfo",
    "ExposureError", "OutOfScope", "ScopeError", "TargetError", "VulnDBError",
]
