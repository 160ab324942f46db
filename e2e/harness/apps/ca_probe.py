#!/usr/bin/python3
"""Asks the control plane's CA (weft.ca.v1.CertificateService/CreateCertificate)
for a certificate the way an attacker would: a CSR for a chosen SPIFFE ID with
some workload's join token, optionally with its signature tampered with. Prints
one JSON line: {"code": "OK" | gRPC status name, "details": str, "spiffe_id": str}.

  ca_probe.py --ca 10.0.0.10:15010 --token-file T --spiffe-id spiffe://... [--tamper]

The request is encoded by hand (three proto3 fields), so no generated stubs are
needed; python3-grpcio carries it.
"""

import argparse
import json

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

METHOD = "/weft.ca.v1.CertificateService/CreateCertificate"


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field(number, data):
    return varint(number << 3 | 2) + varint(len(data)) + data


def read_fields(buf):
    """proto3 length-delimited fields of the response, by number."""
    out, i = {}, 0
    while i < len(buf):
        key, shift = 0, 0
        while True:
            b = buf[i]
            i += 1
            key |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        length, shift = 0, 0
        while True:
            b = buf[i]
            i += 1
            length |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        out[key >> 3] = buf[i:i + length]
        i += length
    return out


def csr_pem(spiffe_id, tamper):
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([]))
           .add_extension(x509.SubjectAlternativeName([x509.UniformResourceIdentifier(spiffe_id)]),
                          critical=False)
           .sign(key, hashes.SHA256()))
    der = bytearray(csr.public_bytes(serialization.Encoding.DER))
    if tamper:
        der[-5] ^= 0x01  # inside the signature: the CSR no longer verifies
    import base64
    body = base64.encodebytes(bytes(der)).decode()
    return f"-----BEGIN CERTIFICATE REQUEST-----\n{body}-----END CERTIFICATE REQUEST-----\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ca", required=True)
    p.add_argument("--token-file", required=True)
    p.add_argument("--spiffe-id", required=True)
    p.add_argument("--tamper", action="store_true")
    a = p.parse_args()
    with open(a.token_file) as f:
        token = f.read().strip()
    request = field(1, csr_pem(a.spiffe_id, a.tamper).encode()) + field(3, token.encode())
    with grpc.insecure_channel(a.ca) as channel:
        call = channel.unary_unary(METHOD, request_serializer=None, response_deserializer=None)
        try:
            response = call(request, timeout=10)
            fields = read_fields(response)
            print(json.dumps({"code": "OK", "details": "",
                              "spiffe_id": fields.get(4, b"").decode()}), flush=True)
        except grpc.RpcError as e:
            print(json.dumps({"code": e.code().name, "details": e.details(), "spiffe_id": ""}),
                  flush=True)


if __name__ == "__main__":
    main()
