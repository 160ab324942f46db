"""Certificates for the mTLS refusal tests, made with python3-cryptography: leaves
that no honest sidecar would present (another trust domain, expired), so that the
tests can check that the sidecars refuse them.

  cert, key = test_pki.leaf(dir, "spiffe://other.local/ns/default/sa/x",
                            issuer=test_pki.new_root(dir, "other.local"))
  cert, key = test_pki.leaf(dir, spiffe_id, issuer=test_pki.load_root(ca_dir),
                            not_after=now - 1h)
"""

import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def new_root(directory, trust_domain):
    """A self-signed CA for `trust_domain`; returns (certificate, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, trust_domain)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(_now() - datetime.timedelta(hours=1))
            .not_valid_after(_now() + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(
                [x509.UniformResourceIdentifier(f"spiffe://{trust_domain}")]), critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def load_root(ca_dir):
    """The mesh CA's own root (mesh-control-plane --ca_dir), from its files."""
    with open(os.path.join(ca_dir, "root-cert.pem"), "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(os.path.join(ca_dir, "root-key.pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    return cert, key


def leaf(directory, spiffe_id, issuer, name="leaf", not_before=None, not_after=None):
    """A workload certificate for `spiffe_id` signed by `issuer` (cert, key); writes
    <name>.pem and <name>-key.pem into `directory` and returns their paths."""
    issuer_cert, issuer_key = issuer
    key = ec.generate_private_key(ec.SECP256R1())
    not_before = not_before or _now() - datetime.timedelta(minutes=5)
    not_after = not_after or _now() + datetime.timedelta(hours=1)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "probe")]))
            .issuer_name(issuer_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName(
                [x509.UniformResourceIdentifier(spiffe_id)]), critical=True)
            .sign(issuer_key, hashes.SHA256()))
    cert_path = os.path.join(directory, f"{name}.pem")
    key_path = os.path.join(directory, f"{name}-key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    os.chmod(key_path, 0o644)  # read by the probe inside the pod (a test key)
    return cert_path, key_path
