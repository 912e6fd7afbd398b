"""TLS problems of an endpoint: certificate validity, names, self-signature, protocol versions,
cipher suites, key size and signature hash judged on the leaf certificate the server sent; and its
chain: intermediates that are missing or out of their validity period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from .._model import Certificate, Service
from ._registry import Context, Hit, check

_ANSSI_TLS = "ANSSI, Recommandations de sécurité relatives à TLS (ANSSI-PA-035)"
_EXPIRY_WARNING = timedelta(days=30)
_OLD_VERSIONS = ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1")


def _leaf(service: Service) -> Certificate | None:
    return service.tls.chain[0] if service.tls and service.tls.chain else None


@check(id="tls.expired", family="tls", title_fr="Certificat expiré", title_en="Expired certificate",
       severity="high", reference=_ANSSI_TLS,
       remediation_fr="Renouvelez le certificat et installez-le avec sa chaîne ; automatisez le renouvellement.",
       remediation_en="Renew the certificate and install it with its chain; automate renewal.",
       needs=("tls",))
def expired(service: Service, context: Context) -> Iterable[Hit] | None:
    leaf = _leaf(service)
    if leaf is None:
        return None
    if leaf.not_after <= context.now:
        return (Hit(leaf.sha256, f"certificate {leaf.subject} expired on {leaf.not_after:%Y-%m-%d}",
                    details={"expires": leaf.not_after.isoformat()}),)
    if leaf.not_before > context.now:
        return (Hit(leaf.sha256, f"certificate {leaf.subject} not valid before {leaf.not_before:%Y-%m-%d}",
                    details={"not_before": leaf.not_before.isoformat()}),)
    return ()


@check(id="tls.expiring", family="tls", title_fr="Certificat expirant dans moins de 30 jours",
       title_en="Certificate expiring within 30 days", severity="medium", reference=_ANSSI_TLS,
       remediation_fr="Renouvelez le certificat avant son échéance.",
       remediation_en="Renew the certificate before it expires.", needs=("tls",))
def expiring(service: Service, context: Context) -> Iterable[Hit] | None:
    leaf = _leaf(service)
    if leaf is None:
        return None
    if context.now < leaf.not_after <= context.now + _EXPIRY_WARNING:
        days = (leaf.not_after - context.now).days
        return (Hit(leaf.sha256, f"certificate {leaf.subject} expires on {leaf.not_after:%Y-%m-%d} ({days} days)",
                    details={"expires": leaf.not_after.isoformat()}),)
    return ()


@check(id="tls.self_signed", family="tls", title_fr="Certificat auto-signé", title_en="Self-signed certificate",
       severity="medium", reference=_ANSSI_TLS,
       remediation_fr="Remplacez le certificat par un certificat émis par une autorité reconnue.",
       remediation_en="Replace the certificate with one issued by a recognised authority.", needs=("tls",))
def self_signed(service: Service, context: Context) -> Iterable[Hit] | None:
    leaf = _leaf(service)
    if leaf is None:
        return None
    if leaf.self_signed:
        return (Hit(leaf.sha256, f"certificate {leaf.subject} is signed by itself"),)
    return ()


def name_matches(hostname: str, pattern: str) -> bool:
    """RFC 6125 matching: exact, or one leftmost wildcard label covering exactly one label."""
    hostname, pattern = hostname.lower().rstrip("."), pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = hostname.partition(".")
        return bool(head) and rest == pattern[2:]
    return hostname == pattern


@check(id="tls.name_mismatch", family="tls", title_fr="Certificat ne correspondant pas au nom du serveur",
       title_en="Certificate does not match the server name", severity="medium", reference=_ANSSI_TLS,
       remediation_fr="Émettez un certificat qui porte ce nom dans son extension subjectAltName.",
       remediation_en="Issue a certificate carrying this name in its subjectAltName extension.", needs=("tls",))
def name_mismatch(service: Service, context: Context) -> Iterable[Hit] | None:
    leaf = _leaf(service)
    if leaf is None or not service.hostname:
        return None
    if any(name_matches(service.hostname, name) for name in leaf.names):
        return ()
    names = ", ".join(leaf.names) or "none"
    return (Hit(service.hostname, f"{service.hostname} is not among the certificate's names ({names})"),)


@check(id="tls.old_protocol", family="tls", title_fr="Versions obsolètes de TLS acceptées (TLS 1.0/1.1)",
       title_en="Obsolete TLS versions offered (TLS 1.0/1.1)", severity="medium",
       reference=f"{_ANSSI_TLS} ; RFC 8996",
       remediation_fr="Désactivez SSL, TLS 1.0 et TLS 1.1 ; n'acceptez que TLS 1.2 et TLS 1.3.",
       remediation_en="Disable SSL, TLS 1.0 and TLS 1.1; accept only TLS 1.2 and TLS 1.3.", needs=("tls",))
def old_protocol(service: Service, context: Context) -> Iterable[Hit] | None:
    assert service.tls is not None
    if not service.tls.versions:
        return None
    return tuple(Hit(version, f"{version} offered") for version in _OLD_VERSIONS if version in service.tls.versions)


@check(id="tls.weak_cipher", family="tls", title_fr="Suites de chiffrement faibles acceptées",
       title_en="Weak cipher suites accepted", severity="medium", reference=_ANSSI_TLS,
       remediation_fr="Retirez de la configuration TLS les suites sans chiffrement (NULL), sans "
                      "authentification (anonymes), EXPORT, RC4, DES, 3DES et MD5.",
       remediation_en="Remove from the TLS configuration the suites without encryption (NULL), without "
                      "authentication (anonymous), EXPORT, RC4, DES, 3DES and MD5.",
       needs=("tls",))
def weak_cipher(service: Service, context: Context) -> Iterable[Hit] | None:
    assert service.tls is not None
    return tuple(Hit(suite, f"cipher suite {suite} accepted", severity="high" if _unprotected(suite) else None)
                 for suite in service.tls.weak_ciphers)


def _unprotected(suite: str) -> bool:
    """No encryption (NULL), no server authentication (anonymous: anyone in the path can impersonate
    it) or export-grade keys (broken in hours): no protection at all, where RC4 and 3DES are weakened."""
    return "NULL" in suite or suite.startswith(("ADH-", "AECDH-", "EXP"))


@check(id="tls.no_forward_secrecy", family="tls", title_fr="Échange de clés RSA accepté (sans confidentialité persistante)",
       title_en="RSA key exchange accepted (no forward secrecy)", severity="low", reference=_ANSSI_TLS,
       remediation_fr="Ne proposez que des suites à échange de clés éphémère (ECDHE, ou DHE de 2048 bits et "
                      "plus) : sinon, qui obtient un jour la clé privée du serveur déchiffre les échanges "
                      "enregistrés auparavant.",
       remediation_en="Offer only suites with an ephemeral key exchange (ECDHE, or DHE of 2048 bits or more): "
                      "otherwise whoever obtains the server's private key one day decrypts the traffic "
                      "recorded before.", needs=("tls",))
def no_forward_secrecy(service: Service, context: Context) -> Iterable[Hit] | None:
    assert service.tls is not None
    return tuple(Hit(suite, f"cipher suite {suite} accepted (RSA key exchange)")
                 for suite in service.tls.no_forward_secrecy)


@check(id="tls.chain_incomplete", family="tls", title_fr="Chaîne de certificats incomplète",
       title_en="Incomplete certificate chain", severity="low", reference=_ANSSI_TLS,
       remediation_fr="Installez sur le serveur, après le certificat, le ou les certificats intermédiaires "
                      "de l'autorité qui l'a émis : beaucoup de clients (applications, équipements, API) "
                      "ne vont pas les chercher et refusent la connexion.",
       remediation_en="Install on the server, after the certificate, the intermediate certificate(s) of the "
                      "authority that issued it: many clients (applications, devices, APIs) do not fetch "
                      "them and refuse the connection.", needs=("tls",))
def chain_incomplete(service: Service, context: Context) -> Iterable[Hit] | None:
    assert service.tls is not None
    if service.tls.chain_complete is None or not service.tls.chain:
        return None
    if service.tls.chain_complete:
        return ()
    last = service.tls.chain[-1]
    return (Hit(last.issuer, f"the server sends {len(service.tls.chain)} certificate(s); the issuer of "
                             f"{last.subject} ({last.issuer}) is neither sent nor a known authority",
                details={"missing_issuer": last.issuer}),)


@check(id="tls.intermediate_expired", family="tls", title_fr="Certificat intermédiaire expiré dans la chaîne",
       title_en="Expired intermediate certificate in the chain", severity="medium", reference=_ANSSI_TLS,
       remediation_fr="Remplacez sur le serveur le certificat intermédiaire par celui que l'autorité "
                      "publie actuellement.",
       remediation_en="Replace the intermediate certificate on the server with the one the authority "
                      "currently publishes.", needs=("tls",))
def intermediate_expired(service: Service, context: Context) -> Iterable[Hit] | None:
    assert service.tls is not None
    if len(service.tls.chain) < 1:
        return None
    hits: list[Hit] = []
    for cert in service.tls.chain[1:]:
        if cert.self_signed:  # a root sent along: clients use their own copy of it
            continue
        if cert.not_after <= context.now:
            hits.append(Hit(cert.sha256, f"intermediate {cert.subject} expired on {cert.not_after:%Y-%m-%d}",
                            details={"subject": cert.subject, "expires": cert.not_after.isoformat()}))
        elif cert.not_before > context.now:
            hits.append(Hit(cert.sha256, f"intermediate {cert.subject} not valid before {cert.not_before:%Y-%m-%d}",
                            details={"subject": cert.subject, "not_before": cert.not_before.isoformat()}))
    return hits


_MIN_BITS = {"RSA": 2048, "DSA": 2048, "EC": 256}


@check(id="tls.weak_key", family="tls", title_fr="Clé trop courte ou signature SHA-1",
       title_en="Key too short or SHA-1 signature", severity="medium", reference=_ANSSI_TLS,
       remediation_fr="Émettez un nouveau certificat avec une clé RSA d'au moins 2048 bits (ou ECDSA P-256) "
                      "signé en SHA-256 ou mieux ; pour un certificat intermédiaire, installez celui que "
                      "l'autorité publie actuellement.",
       remediation_en="Issue a new certificate with an RSA key of at least 2048 bits (or ECDSA P-256) "
                      "signed with SHA-256 or better; for an intermediate, install the one the authority "
                      "currently publishes.", needs=("tls",))
def weak_key(service: Service, context: Context) -> Iterable[Hit] | None:
    leaf = _leaf(service)
    if leaf is None:
        return None
    assert service.tls is not None
    hits = _weak_key_hits(leaf, prefix="", label="")
    for cert in service.tls.chain[1:]:  # an intermediate signs the leaf: a weak one breaks the chain as much
        if not cert.self_signed:
            hits += _weak_key_hits(cert, prefix=f"intermediate:{cert.subject}:", label=f"intermediate {cert.subject}: ")
    return hits


def _weak_key_hits(cert: Certificate, *, prefix: str, label: str) -> list[Hit]:
    hits: list[Hit] = []
    minimum = _MIN_BITS.get(cert.key_type.upper())
    if minimum and 0 < cert.key_bits < minimum:
        hits.append(Hit(f"{prefix}key:{cert.key_type}{cert.key_bits}", f"{label}{cert.key_type} key of {cert.key_bits} bits"))
    signature = cert.signature_algorithm.lower()
    if not cert.self_signed and ("sha1" in signature or "md5" in signature):
        hits.append(Hit(f"{prefix}signature:{cert.signature_algorithm}", f"{label}signed with {cert.signature_algorithm}"))
    return hits
