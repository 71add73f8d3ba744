"""The unit's signing identity: its key pair and certificate, and the certificates of other units.

On first use Desk makes an ECDSA P-256 key and a self-signed X.509 certificate whose subject
is the unit's name; the private key is kept in the ledger as PKCS#8 encrypted with a
passphrase the clerk chooses (never stored). A unit that has a CA-issued certificate imports
its ``.p12``/``.pfx`` instead. The certificate is exported as PEM to give to the district,
which imports it (``known_certs``) so that its verification can tell whose key signed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from desk.core.errors import DeskError, RefusedError
from desk.core.glossary import IdentitySource
from desk.core.models import Identity, KnownCert
from desk.exchange import atomic
from desk.store.ledger import Ledger

MIN_PASSPHRASE = 6
VALID_YEARS = 10
PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class PassphraseError(DeskError):
    exit_code = 5


class CertificateError(DeskError):
    exit_code = 3


@dataclass(frozen=True)
class SigningKey:
    key: PrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


@dataclass(frozen=True)
class CertInfo:
    """What a clerk needs to recognise a certificate."""

    common_name: str
    organization: str
    fingerprint: str  # SHA-256 of the DER certificate, lowercase hex
    not_before: datetime
    not_after: datetime
    self_signed: bool
    issuer: str

    @property
    def fingerprint_text(self) -> str:
        """The fingerprint as a clerk reads it aloud on the phone: groups of four."""
        text = self.fingerprint.upper()
        return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise PassphraseError(f"口令至少 {MIN_PASSPHRASE} 个字符")


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _name_attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def cert_info(cert: x509.Certificate) -> CertInfo:
    return CertInfo(
        common_name=_name_attr(cert.subject, NameOID.COMMON_NAME),
        organization=_name_attr(cert.subject, NameOID.ORGANIZATION_NAME),
        fingerprint=fingerprint(cert),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        self_signed=cert.issuer == cert.subject,
        issuer=_name_attr(cert.issuer, NameOID.COMMON_NAME) or cert.issuer.rfc4514_string(),
    )


def load_certificates(data: bytes) -> list[x509.Certificate]:
    """Certificates from PEM (one or several) or DER bytes."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise CertificateError("不是有效的证书文件（应为 .pem、.cer 或 .crt 格式的 X.509 证书）") from None


def pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _encrypt(key: PrivateKey, passphrase: str) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    ).decode("ascii")


def self_signed_certificate(key: ec.EllipticCurvePrivateKey, unit_name: str, full_name: str,
                            now: datetime) -> x509.Certificate:
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, full_name),
        x509.NameAttribute(NameOID.COMMON_NAME, unit_name),
    ])
    start = now.astimezone(UTC) - timedelta(days=1)
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def full_unit_name(ledger: Ledger) -> str:
    """海州区韩家店镇: the parent's name in front unless the unit's own name already has it."""
    unit = ledger.unit
    parent = ledger.units.maybe(unit.parent_id)
    if parent is None or unit.name.startswith(parent.name):
        return unit.name
    return f"{parent.name}{unit.name}"


def _store(ledger: Ledger, identity: Identity, replace: bool, summary: str) -> Identity:
    with ledger.transaction():
        existing = ledger.identity.current()
        if existing is not None and not replace:
            raise RefusedError("本单位已有证书。更换证书会使上级已导入的旧证书不再匹配，如确需更换，请选择“更换证书”。")
        if existing is not None:
            old = fingerprint(load_certificates(existing.cert_pem.encode("ascii"))[0])
            ledger.conn.execute("DELETE FROM identity WHERE id = 1")
            ledger.audit("delete", "identity", 1, f"更换单位证书（原指纹 {old[:16]}…）")
        # the table holds one row (CHECK id = 1): an empty table hands out rowid 1 again
        return ledger.identity.add(identity, summary=summary)


def create_identity(ledger: Ledger, passphrase: str, *, replace: bool = False) -> Identity:
    """Make the unit's key pair and self-signed certificate; the key is kept encrypted."""
    check_passphrase(passphrase)
    key = ec.generate_private_key(ec.SECP256R1())
    unit_name = ledger.unit.name
    cert = self_signed_certificate(key, unit_name, full_unit_name(ledger), ledger.now())
    identity = Identity(unit_name=unit_name, cert_pem=pem(cert), key_pem=_encrypt(key, passphrase),
                        source=IdentitySource.GENERATED)
    return _store(ledger, identity, replace, f"创建单位证书（指纹 {fingerprint(cert)[:16]}…）")


def import_pkcs12(ledger: Ledger, data: bytes, p12_password: str, passphrase: str, *,
                  replace: bool = False) -> Identity:
    """Use a CA-issued certificate (.p12/.pfx) instead of the self-signed one."""
    check_passphrase(passphrase)
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, p12_password.encode("utf-8") or None)
    except ValueError:
        raise PassphraseError("无法打开证书文件：证书口令不正确，或文件不是 .p12/.pfx 证书") from None
    if key is None or cert is None:
        raise CertificateError("证书文件中没有私钥或证书，请向发证机构索取包含私钥的 .p12/.pfx 文件")
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise CertificateError("只支持 ECDSA 或 RSA 密钥的证书")
    info = cert_info(cert)
    identity = Identity(
        unit_name=info.common_name or ledger.unit.name, cert_pem=pem(cert), key_pem=_encrypt(key, passphrase),
        source=IdentitySource.PKCS12, chain_pem="".join(pem(c) for c in chain or ()),
    )
    return _store(ledger, identity, replace, f"导入单位证书“{info.common_name}”（指纹 {info.fingerprint[:16]}…）")


def signing_key(ledger: Ledger, passphrase: str) -> SigningKey:
    """Unlock the unit's private key with the clerk's passphrase."""
    identity = ledger.identity.current()
    if identity is None:
        raise RefusedError("本单位还没有签名证书，请先在“月报报送”中创建证书（或导入 .p12/.pfx 证书）")
    try:
        key = serialization.load_pem_private_key(identity.key_pem.encode("ascii"), passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise PassphraseError("口令不正确，无法使用单位证书签名") from None
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise CertificateError("单位证书的密钥类型不受支持")
    cert = load_certificates(identity.cert_pem.encode("ascii"))[0]
    chain = tuple(load_certificates(identity.chain_pem.encode("ascii"))) if identity.chain_pem.strip() else ()
    return SigningKey(key, cert, chain)


def current_certificate(ledger: Ledger) -> x509.Certificate | None:
    identity = ledger.identity.current()
    return load_certificates(identity.cert_pem.encode("ascii"))[0] if identity else None


def export_certificate(ledger: Ledger, path: Path | str) -> Path:
    """Write the unit's certificate (and its CA chain, if any) as PEM for the district."""
    identity = ledger.identity.current()
    if identity is None:
        raise RefusedError("本单位还没有签名证书，请先创建证书")
    path = Path(path)
    try:
        atomic.write_text(path, identity.cert_pem + identity.chain_pem, encoding="ascii")
    except OSError as exc:
        raise DeskError(f"无法写入证书文件 {path}：{exc.strerror or exc}") from None
    return path


def import_known_certificate(ledger: Ledger, data: bytes, unit_name: str | None = None) -> KnownCert:
    """Remember another unit's certificate (a receiver verifies its submissions against it)."""
    cert = load_certificates(data)[0]
    info = cert_info(cert)
    name = (unit_name or info.common_name).strip()
    if not name:
        raise CertificateError("证书中没有单位名称，请填写这是哪个单位的证书")
    found = ledger.known_certs.by_fingerprint(info.fingerprint)
    if found is not None:
        return found
    return ledger.known_certs.add(KnownCert(unit_name=name, cert_pem=pem(cert), fingerprint=info.fingerprint),
                                  summary=f"导入“{name}”的证书（指纹 {info.fingerprint[:16]}…）")
