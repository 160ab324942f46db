"""A throwaway mesh PKI made at run time with the openssl CLI, for the mTLS benchmark.

One self-signed root for the trust domain and one leaf per sidecar: ECDSA P-256,
PKCS#8 keys, the leaf's only URI SAN its SPIFFE ID (spiffe://<td>/ns/<ns>/sa/<sa>),
CA:FALSE, serverAuth + clientAuth. The leaf's CN is a host name too, because
nginx's proxy_ssl_verify and HAProxy's verifyhost check a name (a leaf without DNS
SANs is matched on its CN); Weft checks the SPIFFE ID only. Every file lives in the
given directory; nothing under /etc is read or written.

    pki = make_pki(workdir, "bench.local", "bench", ["a", "b"])
    pki["a"]["cert"], pki["a"]["key"], pki["a"]["pem"] (cert+key), pki["root"]
"""

import os
import subprocess


class PkiError(RuntimeError):
    pass


def _openssl(args, cwd):
    res = subprocess.run(["openssl"] + args, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30,
                         check=False)
    if res.returncode != 0:
        raise PkiError("openssl %s failed: %s" % (args[0], res.stdout.decode(
            "utf-8", "replace").strip()))


def _key(path, cwd):
    _openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
              "-out", path], cwd)


def make_pki(workdir, trust_domain, namespace, service_accounts, days=2):
    """Returns {"root": path, sa: {"id", "host", "cert", "key", "pem"}} for each sa."""
    d = os.path.join(workdir, "pki")
    os.makedirs(d, exist_ok=True)
    root_key, root = os.path.join(d, "root.key"), os.path.join(d, "root.pem")
    _key(root_key, d)
    ext = os.path.join(d, "root.ext")
    with open(ext, "w") as f:
        f.write("[v3]\nbasicConstraints=critical,CA:TRUE\n"
                "keyUsage=critical,keyCertSign,cRLSign\n"
                "subjectKeyIdentifier=hash\n"
                "subjectAltName=URI:spiffe://%s\n" % trust_domain)
    _openssl(["req", "-x509", "-new", "-key", root_key, "-subj", "/O=weft-bench/CN=bench root",
              "-days", str(days), "-sha256", "-config", ext, "-extensions", "v3",
              "-out", root], d)
    out = {"root": root}
    for serial, sa in enumerate(service_accounts, start=2):
        spiffe_id = "spiffe://%s/ns/%s/sa/%s" % (trust_domain, namespace, sa)
        host = "%s.%s.%s" % (sa, namespace, trust_domain)
        key, csr, cert = (os.path.join(d, sa + s) for s in (".key", ".csr", ".crt"))
        _key(key, d)
        _openssl(["req", "-new", "-key", key, "-subj", "/O=weft-bench/CN=" + host,
                  "-out", csr], d)
        leaf_ext = os.path.join(d, sa + ".ext")
        with open(leaf_ext, "w") as f:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth,clientAuth\n"
                    "authorityKeyIdentifier=keyid\n"
                    "subjectAltName=URI:%s\n" % spiffe_id)
        _openssl(["x509", "-req", "-in", csr, "-CA", root, "-CAkey", root_key,
                  "-set_serial", str(serial), "-days", str(days), "-sha256",
                  "-extfile", leaf_ext, "-out", cert], d)
        pem = os.path.join(d, sa + ".pem")  # HAProxy's crt: certificate then key
        with open(pem, "w") as f, open(cert) as c, open(key) as k:
            f.write(c.read() + k.read())
        out[sa] = {"id": spiffe_id, "host": host, "cert": cert, "key": key, "pem": pem}
    return out
