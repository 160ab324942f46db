#ifndef WEFT_PROXY_TLS_SESSION_TICKET_KEYS_H_
#define WEFT_PROXY_TLS_SESSION_TICKET_KEYS_H_

// The keys a TLS server encrypts its session tickets with: one set per process,
// shared by every server TlsContext (so that a certificate swap does not throw
// away resumption), rotated on a schedule so that a stolen key opens only a
// short window of tickets.
//
//   auto keys = SessionTicketKeys::Create(time_source, absl::Hours(1));
//   server_options.ticket_keys = keys;
//
// The newest key encrypts; the previous one still decrypts (and the ticket is
// then re-issued under the newest), so a ticket lives between one and two
// rotation intervals. Keys are random, held only in memory, never logged.
// Rotation is checked lazily on each use against the TimeSource's monotonic time.
// Thread-safe.

#include <array>
#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "common/sync/mutex.h"
#include "common/time/time_source.h"
#include "openssl/base.h"

namespace weft::tls {

class SessionTicketKeys {
 public:
  struct Key {
    std::array<uint8_t, 16> name;
    std::array<uint8_t, 32> aes_key;
    std::array<uint8_t, 32> hmac_key;
  };

  // `time_source` must outlive this object. A non-positive interval is clamped
  // to one minute.
  static std::shared_ptr<SessionTicketKeys> Create(const TimeSource& time_source,
                                                   absl::Duration rotation_interval);

  // The key to encrypt a new ticket with (rotating first if it is due).
  Key EncryptionKey();
  // The key named `name` if it may still decrypt; `is_newest` tells whether the
  // ticket should be renewed. False if the key is unknown or retired.
  bool DecryptionKey(const uint8_t* name, Key* key, bool* is_newest);

  // Starts a new key now (e.g. on an operator's request). Tickets under the key
  // before the previous one stop working.
  void Rotate();
  uint64_t rotations() const;

  // For SSL_CTX_set_tlsext_ticket_key_cb: the SSL_CTX's ex_data must point at a
  // SessionTicketKeys (see TlsContext).
  static int TicketKeyCallback(SSL* ssl, uint8_t* key_name, uint8_t* iv, EVP_CIPHER_CTX* ctx,
                               HMAC_CTX* hmac_ctx, int encrypt);

 private:
  SessionTicketKeys(const TimeSource& time_source, absl::Duration rotation_interval);
  void RotateLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void MaybeRotateLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const TimeSource& time_source_;
  const absl::Duration rotation_interval_;
  mutable weft::Mutex mu_;
  Key current_ ABSL_GUARDED_BY(mu_);
  Key previous_ ABSL_GUARDED_BY(mu_);
  bool has_previous_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time current_since_ ABSL_GUARDED_BY(mu_);
  uint64_t rotations_ ABSL_GUARDED_BY(mu_) = 0;
};

// ex_data index on SSL_CTX holding the SessionTicketKeys* for the callback.
int TicketKeysExDataIndex();

}  // namespace weft::tls

#endif  // WEFT_PROXY_TLS_SESSION_TICKET_KEYS_H_
