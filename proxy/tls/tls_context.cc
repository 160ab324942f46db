#include "proxy/tls/tls_context.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "certs/key_pair.h"
#include "openssl/bio.h"
#include "openssl/bytestring.h"
#include "openssl/digest.h"
#include "openssl/err.h"
#include "openssl/pem.h"
#include "openssl/pool.h"
#include "openssl/sha.h"
#include "openssl/ssl.h"
#include "openssl/x509.h"
#include "proxy/tls/tls_callbacks.h"

namespace weft::tls {

struct TlsContext::CommonOptions {
  bool is_server;
  const std::string& cert_chain_pem;
  const std::string& private_key_pem;
  const std::optional<certs::TrustBundle>& trust_bundle;
  const std::vector<std::string>& alpn;
  const TimeSource* time_source;
  absl::Duration session_lifetime;
};

namespace {

struct ParsedChain {
  std::vector<bssl::UniquePtr<X509>> certs;
  std::vector<std::string> der;
};

absl::StatusOr<ParsedChain> ParseChain(const std::string& pem) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), pem.size()));
  ParsedChain chain;
  while (true) {
    bssl::UniquePtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert == nullptr) break;
    uint8_t* der = nullptr;
    int len = i2d_X509(cert.get(), &der);
    if (len <= 0) return absl::InvalidArgumentError("cert_chain_pem: a certificate does not encode");
    chain.der.emplace_back(reinterpret_cast<char*>(der), len);
    OPENSSL_free(der);
    chain.certs.push_back(std::move(cert));
  }
  ERR_clear_error();  // the loop ends on "no start line"
  if (chain.certs.empty()) {
    return absl::InvalidArgumentError("cert_chain_pem: no CERTIFICATE block");
  }
  return chain;
}

// ALPN protocols in wire format, or an error naming the bad one.
absl::StatusOr<std::string> AlpnWire(const std::vector<std::string>& protocols) {
  std::string wire;
  for (const std::string& p : protocols) {
    if (p.empty() || p.size() > 255) {
      return absl::InvalidArgumentError(
          absl::StrCat("alpn: protocol names must be 1..255 bytes, got \"", p, "\""));
    }
    wire.push_back(static_cast<char>(p.size()));
    wire.append(p);
  }
  return wire;
}

// Server: the first of our preferences the client offers.
int SelectAlpn(SSL* ssl, const uint8_t** out, uint8_t* out_len, const uint8_t* in,
               unsigned in_len, void* arg) {
  const auto* context = static_cast<const TlsContext*>(arg);
  for (const std::string& ours : context->alpn()) {
    CBS offered;
    CBS_init(&offered, in, in_len);
    while (CBS_len(&offered) > 0) {
      CBS name;
      if (!CBS_get_u8_length_prefixed(&offered, &name)) return SSL_TLSEXT_ERR_NOACK;
      if (CBS_len(&name) == ours.size() &&
          std::memcmp(CBS_data(&name), ours.data(), ours.size()) == 0) {
        *out = CBS_data(&name);
        *out_len = static_cast<uint8_t>(CBS_len(&name));
        return SSL_TLSEXT_ERR_OK;
      }
    }
  }
  return SSL_TLSEXT_ERR_NOACK;  // no common protocol: continue without ALPN
}

std::string SslErrors() {
  std::string out;
  for (uint32_t e = ERR_get_error(); e != 0; e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    absl::StrAppend(&out, out.empty() ? "" : "; ", buf);
  }
  return out;
}

// One pool for every context of the process: the certificates a peer presents
// (and that SSL_SESSIONs keep for the life of a connection) are stored once per
// distinct DER, not once per connection; a sidecar sees the same few peer
// chains on thousands of connections. Never freed (SSL_CTX_set0_buffer_pool:
// it must outlive every SSL and SSL_SESSION); thread-safe.
CRYPTO_BUFFER_POOL* SharedCertificatePool() {
  static CRYPTO_BUFFER_POOL* const pool = CRYPTO_BUFFER_POOL_new();
  return pool;
}

}  // namespace

int TlsContext::ExDataIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

TlsContext::~TlsContext() = default;

absl::StatusOr<std::shared_ptr<TlsContext>> TlsContext::CreateCommon(
    const CommonOptions& options) {
  std::vector<std::string> errors;
  if (options.time_source == nullptr) errors.push_back("time_source: required");
  if (!options.trust_bundle.has_value() || options.trust_bundle->empty()) {
    errors.push_back("trust_bundle: at least one root is required");
  }
  absl::StatusOr<ParsedChain> chain = ParseChain(options.cert_chain_pem);
  if (!chain.ok()) errors.push_back(std::string(chain.status().message()));
  absl::StatusOr<certs::KeyPair> key = certs::KeyPair::FromPkcs8Pem(options.private_key_pem);
  if (!key.ok()) errors.push_back(absl::StrCat("private_key_pem: ", key.status().message()));
  absl::StatusOr<std::string> alpn_wire = AlpnWire(options.alpn);
  if (!alpn_wire.ok()) errors.push_back(std::string(alpn_wire.status().message()));
  if (options.session_lifetime <= absl::ZeroDuration()) {
    errors.push_back("session_lifetime: must be positive");
  }
  if (chain.ok() && key.ok() && !X509_check_private_key(chain->certs[0].get(), key->key())) {
    ERR_clear_error();
    errors.push_back("private_key_pem: the key does not match the certificate");
  }
  std::optional<certs::SpiffeId> identity;
  if (errors.empty()) {
    std::vector<absl::string_view> der(chain->der.begin(), chain->der.end());
    absl::StatusOr<certs::SpiffeId> own = certs::VerifyWorkloadChainDer(
        der, *options.trust_bundle, options.time_source->SystemNow());
    if (!own.ok()) {
      errors.push_back(absl::StrCat("cert_chain_pem: our own certificate does not verify "
                                    "against the trust bundle: ",
                                    own.status().message()));
    } else {
      identity = *own;
    }
  }
  if (!errors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid TLS context: ", absl::StrJoin(errors, "; ")));
  }

  auto context = std::shared_ptr<TlsContext>(new TlsContext());
  context->is_server_ = options.is_server;
  context->trust_bundle_ = *options.trust_bundle;
  context->time_source_ = options.time_source;
  context->local_identity_ = *identity;
  context->alpn_ = options.alpn;
  context->alpn_wire_ = *alpn_wire;

  // The buffers method: certificates stay DER (CRYPTO_BUFFER) and BoringSSL never
  // parses the peer's chain into X509 objects, which it would otherwise keep for
  // the life of every connection (several KiB each). We verify the DER ourselves.
  SSL_CTX* ctx = SSL_CTX_new(TLS_with_buffers_method());
  if (ctx == nullptr) return absl::InternalError("SSL_CTX_new failed");
  context->ctx_.reset(ctx);
  SSL_CTX_set0_buffer_pool(ctx, SharedCertificatePool());
  std::vector<bssl::UniquePtr<CRYPTO_BUFFER>> owned;
  std::vector<CRYPTO_BUFFER*> certs;
  for (const std::string& der : chain->der) {
    owned.emplace_back(
        CRYPTO_BUFFER_new(reinterpret_cast<const uint8_t*>(der.data()), der.size(), nullptr));
    certs.push_back(owned.back().get());
  }
  bool ok = SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) &&
            SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) &&
            std::find(certs.begin(), certs.end(), nullptr) == certs.end() &&
            SSL_CTX_set_chain_and_key(ctx, certs.data(), certs.size(), key->key(), nullptr);
  if (!ok) return absl::InternalError(absl::StrCat("TLS context setup: ", SslErrors()));
  // Never written to: SSL_write hands us every byte once our BIO took it, and
  // Buffer may move between calls.
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_ex_data(ctx, ExDataIndex(), context.get());
  uint32_t lifetime = static_cast<uint32_t>(absl::ToInt64Seconds(options.session_lifetime));
  SSL_CTX_set_timeout(ctx, lifetime);
  SSL_CTX_set_session_psk_dhe_timeout(ctx, lifetime);
  return context;
}

absl::StatusOr<std::shared_ptr<const TlsContext>> TlsContext::CreateServer(
    const TlsServerOptions& options) {
  absl::StatusOr<std::shared_ptr<TlsContext>> context =
      CreateCommon({true, options.cert_chain_pem, options.private_key_pem, options.trust_bundle,
                    options.alpn_preference, options.time_source, options.session_lifetime});
  if (!context.ok()) return context.status();
  TlsContext& c = **context;
  SSL_CTX* ctx = c.ctx_.get();
  c.require_client_certificate_ = options.require_client_certificate;
  SSL_CTX_set_custom_verify(
      ctx, SSL_VERIFY_PEER | (options.require_client_certificate ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
      VerifyPeerCallback);
  SSL_CTX_set_alpn_select_cb(ctx, SelectAlpn, &c);
  // Sessions are bound to what they were verified against: the trust domain, the
  // roots and whether a client certificate was required.
  std::string sid_input = absl::StrCat(c.trust_bundle_->trust_domain(), "|",
                                       absl::StrJoin(c.trust_bundle_->Fingerprints(), ","), "|",
                                       options.require_client_certificate ? "strict" : "opt");
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(sid_input.data()), sid_input.size(), digest);
  SSL_CTX_set_session_id_context(ctx, digest, sizeof(digest));
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);  // stateless tickets only
  if (options.ticket_keys != nullptr) {
    c.ticket_keys_ = options.ticket_keys;
    SSL_CTX_set_ex_data(ctx, TicketKeysExDataIndex(), c.ticket_keys_.get());
    SSL_CTX_set_tlsext_ticket_key_cb(ctx, SessionTicketKeys::TicketKeyCallback);
  } else {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  }
  return std::shared_ptr<const TlsContext>(*std::move(context));
}

absl::StatusOr<std::shared_ptr<const TlsContext>> TlsContext::CreateClient(
    const TlsClientOptions& options) {
  absl::StatusOr<std::shared_ptr<TlsContext>> context =
      CreateCommon({false, options.cert_chain_pem, options.private_key_pem, options.trust_bundle,
                    options.alpn, options.time_source, options.session_lifetime});
  if (!context.ok()) return context.status();
  TlsContext& c = **context;
  SSL_CTX* ctx = c.ctx_.get();
  SSL_CTX_set_custom_verify(ctx, SSL_VERIFY_PEER, VerifyPeerCallback);
  c.session_cache_size_ = options.session_cache_size;
  if (options.session_cache_size > 0) {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(ctx, NewClientSessionCallback);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  }
  return std::shared_ptr<const TlsContext>(*std::move(context));
}

bssl::UniquePtr<SSL_SESSION> TlsContext::TakeSession(const std::string& key) const {
  MutexLock lock(&sessions_mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end() || it->second.empty()) return nullptr;
  bssl::UniquePtr<SSL_SESSION> session = std::move(it->second.back());  // newest
  it->second.pop_back();
  --session_count_;
  if (it->second.empty()) sessions_.erase(it);
  return session;
}

void TlsContext::StoreSession(const std::string& key,
                              bssl::UniquePtr<SSL_SESSION> session) const {
  if (session_cache_size_ == 0 || session == nullptr) return;
  MutexLock lock(&sessions_mu_);
  auto& list = sessions_[key];
  if (list.size() >= kSessionsPerKey) {
    list.pop_front();
    --session_count_;
  }
  list.push_back(std::move(session));
  ++session_count_;
  // Over the total: drop whole other keys (arbitrary ones) until it fits.
  while (session_count_ > session_cache_size_ && sessions_.size() > 1) {
    auto victim = sessions_.begin();
    if (victim->first == key) ++victim;
    session_count_ -= victim->second.size();
    sessions_.erase(victim);
  }
  while (session_count_ > session_cache_size_ && !sessions_[key].empty()) {
    sessions_[key].pop_front();
    --session_count_;
  }
}

size_t TlsContext::cached_sessions() const {
  MutexLock lock(&sessions_mu_);
  return session_count_;
}

}  // namespace weft::tls
