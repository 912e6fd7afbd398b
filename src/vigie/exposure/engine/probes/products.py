"""Product names as the probes report them -> (CPE vendor, CPE product), as NVD spells them."""

from __future__ import annotations

from ..cpe import make_cpe

# Product as the probes name it -> (CPE vendor, CPE product), as NVD spells them.
PRODUCTS: dict[str, tuple[str, str]] = {
    "OpenSSH": ("openbsd", "openssh"),
    "Dropbear": ("dropbear_ssh_project", "dropbear_ssh"),
    "nginx": ("f5", "nginx"),
    "Apache httpd": ("apache", "http_server"),
    "Microsoft IIS": ("microsoft", "internet_information_services"),
    "lighttpd": ("lighttpd", "lighttpd"),
    "Apache Tomcat": ("apache", "tomcat"),
    "vsftpd": ("beasts", "vsftpd"),
    "ProFTPD": ("proftpd", "proftpd"),
    "Pure-FTPd": ("pureftpd", "pure-ftpd"),
    "FileZilla Server": ("filezilla-project", "filezilla_server"),
    "Postfix": ("postfix", "postfix"),
    "Exim": ("exim", "exim"),
    "Microsoft Exchange": ("microsoft", "exchange_server"),
    "MySQL": ("oracle", "mysql"),
    "MariaDB": ("mariadb", "mariadb"),
    "PostgreSQL": ("postgresql", "postgresql"),
    "Redis": ("redis", "redis"),
    "MongoDB": ("mongodb", "mongodb"),
    "Elasticsearch": ("elastic", "elasticsearch"),
    "OpenLDAP": ("openldap", "openldap"),
    "Samba": ("samba", "samba"),
    "RealVNC": ("realvnc", "realvnc"),
    "Fortinet FortiOS": ("fortinet", "fortios"),
    "Citrix NetScaler": ("citrix", "netscaler_application_delivery_controller"),
    "Ivanti Connect Secure": ("ivanti", "connect_secure"),
    "Palo Alto PAN-OS": ("paloaltonetworks", "pan-os"),
    "Webmin": ("webmin", "webmin"),
    "BIND": ("isc", "bind"),
    "Unbound": ("nlnetlabs", "unbound"),
    "dnsmasq": ("thekelleys", "dnsmasq"),
    "Orthanc": ("orthanc-server", "orthanc"),
    "dcm4che": ("dcm4che", "dcm4chee"),
}


def cpe_for(product: str, version: str) -> str:
    """The CPE of a probe's product name, or "" when the product is not in PRODUCTS."""
    known = PRODUCTS.get(product)
    return make_cpe(known[0], known[1], version) if known else ""
