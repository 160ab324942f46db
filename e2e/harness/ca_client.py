#!/usr/bin/python3
"""Asks mesh-control-plane's CA for a workload certificate, as a proxy does, without
generated stubs: a raw serialized weft.ca.v1.CreateCertificateRequest (csr_pem = 1,
identity_token = 3) over python3-grpcio, with a CSR made by python3-cryptography.

    python3 ca_client.py 127.0.0.1:15010 spiffe://cluster.local/ns/default/sa/a TOKEN
    python3 ca_client.py ADDRESS SPIFFE_ID @TOKEN_FILE [--tamper]

`@FILE` reads the token from a file; --tamper flips a bit of the CSR's signature (the
CA must refuse it: INVALID_ARGUMENT).

Prints one JSON line: {"code": "OK" | "PERMISSION_DENIED" | ..., "details": ...,
"spiffe_id": ...}. Run it inside the control plane's pod (network namespace).
"""

import base64
import json
import sys

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

METHOD = "/weft.ca.v1.CertificateService/CreateCertificate"


def varint(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def string_field(number, value):
    data = value.encode()
    return varint(number << 3 | 2) + varint(len(data)) + data


def read_strings(message):
    """The length-delimited fields of a serialized message: {number: bytes}."""
    fields, i = {}, 0
    while i < len(message):
        key, shift = 0, 0
        while True:
            key |= (message[i] & 0x7F) << shift
            shift += 7
            i += 1
            if not message[i - 1] & 0x80:
                break
        number, wire = key >> 3, key & 7
        if wire != 2:
            raise ValueError(f"field {number}: wire type {wire} not expected")
        length, shift = 0, 0
        while True:
            length |= (message[i] & 0x7F) << shift
            shift += 7
            i += 1
            if not message[i - 1] & 0x80:
                break
        fields[number] = message[i:i + length]
        i += length
    return fields


def csr_pem(spiffe_id, tamper=False):
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "weft-e2e")]))
           .add_extension(x509.SubjectAlternativeName(
               [x509.UniformResourceIdentifier(spiffe_id)]), critical=False)
           .sign(key, hashes.SHA256()))
    if not tamper:
        return csr.public_bytes(serialization.Encoding.PEM).decode()
    der = bytearray(csr.public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0x01  # inside the signature: the CSR no longer verifies
    body = base64.encodebytes(bytes(der)).decode()
    return f"-----BEGIN CERTIFICATE REQUEST-----\n{body}-----END CERTIFICATE REQUEST-----\n"


def request(address, spiffe_id, token, timeout=5.0, tamper=False):
    body = string_field(1, csr_pem(spiffe_id, tamper)) + string_field(3, token)
    with grpc.insecure_channel(address) as channel:
        call = channel.unary_unary(METHOD)  # bytes in, bytes out
        try:
            reply = call(body, timeout=timeout)
        except grpc.RpcError as e:
            return {"code": e.code().name, "details": e.details()}
    return {"code": "OK", "spiffe_id": read_strings(reply).get(4, b"").decode()}


if __name__ == "__main__":
    token = sys.argv[3]
    if token.startswith("@"):
        with open(token[1:]) as f:
            token = f.read().strip()
    print(json.dumps(request(sys.argv[1], sys.argv[2], token, tamper="--tamper" in sys.argv[4:])))
