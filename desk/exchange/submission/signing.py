"""Signatures: a real PDF signature over the whole PDF (pyHanko), and a detached signature of
the manifest.

``manifest.sig`` is the plain DER signature of ``manifest.json``'s bytes (ECDSA or RSA
PKCS#1 v1.5, SHA-256) so that anyone can check it without Desk::

    openssl x509 -in signer.pem -pubkey -noout > signer.pub
    openssl dgst -sha256 -verify signer.pub -signature manifest.sig manifest.json
"""

from __future__ import annotations

import io

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from desk.exchange.submission.identity import SigningKey

PDF_FIELD = "DeskSignature"


def sign_bytes(data: bytes, key: SigningKey) -> bytes:
    if isinstance(key.key, ec.EllipticCurvePrivateKey):
        return key.key.sign(data, ec.ECDSA(hashes.SHA256()))
    return key.key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def verify_bytes(data: bytes, signature: bytes, cert: x509.Certificate) -> bool:
    public = cert.public_key()
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign_pdf(pdf: bytes, key: SigningKey, *, reason: str, location: str, name: str) -> bytes:
    """Sign the whole PDF (an incremental update whose byte range covers the file)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    der_key = key.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(key.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in key.chain]),
    )
    meta = signers.PdfSignatureMetadata(field_name=PDF_FIELD, md_algorithm="sha256", reason=reason,
                                        location=location, name=name)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = signers.sign_pdf(writer, meta, signer=signer)
    return bytes(out.getvalue())
