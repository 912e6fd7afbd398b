"""Dangerous services exposed to the internet: remote desktops, file sharing, clear-text logins,
databases, medical protocols, directories, remote management and building or industrial control.

A service is recognised by the name its probe gave it; a port left "unknown" on that service's usual
port is reported too, as to confirm."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .._model import Service, Severity
from ._registry import Context, Hit, check

_INTERCONNECTION = "ANSSI, Recommandations relatives à l'interconnexion d'un système d'information à Internet"


@dataclass(frozen=True, slots=True)
class _Exposed:
    key: str
    names: tuple[str, ...]
    ports: tuple[int, ...]
    label_fr: str
    label_en: str
    severity: Severity
    why_fr: str
    why_en: str


_SERVICES = (
    _Exposed("rdp", ("rdp",), (3389,), "bureau à distance (RDP)", "remote desktop (RDP)", "high",
             "Le RDP est la première porte d'entrée des rançongiciels : retirez-le d'Internet et passez par un VPN avec double authentification.",
             "RDP is the first way in for ransomware: take it off the internet and reach it through a VPN with two-factor authentication."),
    _Exposed("smb", ("smb", "microsoft-ds", "netbios-ssn"), (445, 139), "partage de fichiers Windows (SMB)",
             "Windows file sharing (SMB)", "critical",
             "Bloquez les ports 139 et 445 en entrée sur le pare-feu périmétrique ; le partage de fichiers ne doit jamais être joignable depuis Internet.",
             "Block ports 139 and 445 inbound at the perimeter firewall; file sharing must never be reachable from the internet."),
    _Exposed("telnet", ("telnet",), (23,), "Telnet", "Telnet", "high",
             "Telnet transmet identifiants et sessions en clair : désactivez-le et utilisez SSH, derrière un VPN pour l'administration.",
             "Telnet sends credentials and sessions in clear text: disable it and use SSH, behind a VPN for administration."),
    _Exposed("ftp", ("ftp",), (21,), "FTP", "FTP", "medium",
             "FTP transmet les mots de passe en clair : remplacez-le par SFTP ou HTTPS, ou restreignez-le aux adresses des partenaires.",
             "FTP sends passwords in clear text: replace it with SFTP or HTTPS, or restrict it to partners' addresses."),
    _Exposed("vnc", ("vnc",), (5900, 5901), "prise de main à distance (VNC)", "remote control (VNC)", "high",
             "Retirez VNC d'Internet : la prise de main à distance passe par un VPN ou une passerelle d'accès authentifiée.",
             "Take VNC off the internet: remote control goes through a VPN or an authenticated access gateway."),
    _Exposed("mysql", ("mysql",), (3306,), "base de données MySQL/MariaDB", "MySQL/MariaDB database", "high",
             "Une base de données ne doit pas être joignable depuis Internet : limitez l'écoute au réseau interne et filtrez le port 3306.",
             "A database must not be reachable from the internet: listen on the internal network only and filter port 3306."),
    _Exposed("postgresql", ("postgresql",), (5432,), "base de données PostgreSQL", "PostgreSQL database", "high",
             "Limitez listen_addresses au réseau interne et filtrez le port 5432 sur le pare-feu.",
             "Restrict listen_addresses to the internal network and filter port 5432 at the firewall."),
    _Exposed("mssql", ("mssql", "ms-sql-s"), (1433,), "base de données SQL Server", "SQL Server database", "high",
             "Filtrez le port 1433 : SQL Server ne doit être joignable que depuis les serveurs applicatifs.",
             "Filter port 1433: SQL Server must only be reachable from the application servers."),
    _Exposed("oracle", ("oracle", "oracle-tns"), (1521,), "base de données Oracle", "Oracle database", "high",
             "Filtrez le port 1521 : le listener Oracle ne doit être joignable que depuis le réseau interne.",
             "Filter port 1521: the Oracle listener must only be reachable from the internal network."),
    _Exposed("mongodb", ("mongodb",), (27017,), "base de données MongoDB", "MongoDB database", "high",
             "Liez MongoDB à l'interface interne (bindIp), activez l'authentification et filtrez le port 27017.",
             "Bind MongoDB to the internal interface (bindIp), enable authentication and filter port 27017."),
    _Exposed("redis", ("redis",), (6379,), "base Redis", "Redis store", "high",
             "Liez Redis à l'interface interne, activez le mode protégé et un mot de passe, filtrez le port 6379.",
             "Bind Redis to the internal interface, enable protected mode and a password, filter port 6379."),
    _Exposed("elasticsearch", ("elasticsearch",), (9200, 9300), "moteur Elasticsearch", "Elasticsearch engine", "high",
             "Activez la sécurité d'Elasticsearch (authentification, TLS) et filtrez les ports 9200 et 9300.",
             "Enable Elasticsearch security (authentication, TLS) and filter ports 9200 and 9300."),
    _Exposed("dicom", ("dicom",), (104, 11112, 2761, 2762), "service d'imagerie médicale (DICOM)",
             "medical imaging service (DICOM)", "critical",
             "Un PACS ou une modalité DICOM ne doit jamais être exposé : échangez les images par une passerelle ou un VPN avec les partenaires.",
             "A PACS or DICOM modality must never be exposed: exchange images through a gateway or a VPN with partners."),
    _Exposed("hl7", ("hl7", "mllp"), (2575,), "interface HL7 (MLLP)", "HL7 interface (MLLP)", "critical",
             "Les flux HL7 transportent des données de santé sans chiffrement : réservez-les au réseau interne ou à un tunnel chiffré.",
             "HL7 feeds carry health data unencrypted: keep them on the internal network or inside an encrypted tunnel."),
    _Exposed("ldap", ("ldap", "ldaps", "globalcatalog"), (389, 636, 3268, 3269), "annuaire LDAP",
             "LDAP directory", "high",
             "L'annuaire (souvent l'Active Directory) ne doit pas être joignable depuis Internet : filtrez les ports 389, 636, 3268 et 3269.",
             "The directory (often Active Directory) must not be reachable from the internet: filter ports 389, 636, 3268 and 3269."),
    _Exposed("winrm", ("winrm",), (5985, 5986), "administration Windows à distance (WinRM)",
             "Windows remote management (WinRM)", "high",
             "Réservez WinRM au réseau d'administration et filtrez les ports 5985 et 5986.",
             "Keep WinRM on the administration network and filter ports 5985 and 5986."),
    _Exposed("modbus", ("modbus",), (502,), "automate industriel (Modbus)", "industrial controller (Modbus)", "critical",
             "Modbus n'a aucune authentification : isolez la gestion technique du bâtiment d'Internet.",
             "Modbus has no authentication at all: isolate building management from the internet."),
    _Exposed("bacnet", ("bacnet",), (47808,), "gestion technique du bâtiment (BACnet)",
             "building management (BACnet)", "critical",
             "Isolez la gestion technique du bâtiment (chauffage, ventilation, accès) d'Internet.",
             "Isolate building management (heating, ventilation, access control) from the internet."),
)


def _register(spec: _Exposed) -> None:
    @check(id=f"service.{spec.key}", family="services",
           title_fr=f"Service exposé sur Internet : {spec.label_fr}",
           title_en=f"Service exposed to the internet: {spec.label_en}",
           severity=spec.severity, reference=_INTERCONNECTION,
           remediation_fr=spec.why_fr, remediation_en=spec.why_en, needs=("banner",))
    def exposed(service: Service, context: Context) -> Iterable[Hit]:
        name = service.name.lower()
        if name in spec.names:
            return (Hit("", f"{spec.label_en} on port {service.port}"),)
        if name in ("", "unknown") and service.port in spec.ports:
            return (Hit("", f"unidentified service on port {service.port}, the usual port of {spec.label_en}",
                        confidence="to_confirm"),)
        return ()


for _spec in _SERVICES:
    _register(_spec)
