#include "proxy/tls/session_ticket_keys.h"

#include <cstring>

#include "openssl/cipher.h"
#include "openssl/digest.h"
#include "openssl/hmac.h"
#include "openssl/rand.h"
#include "openssl/ssl.h"

namespace weft::tls {
namespace {

SessionTicketKeys::Key NewKey() {
  SessionTicketKeys::Key key;
  RAND_bytes(key.name.data(), key.name.size());
  RAND_bytes(key.aes_key.data(), key.aes_key.size());
  RAND_bytes(key.hmac_key.data(), key.hmac_key.size());
  return key;
}

}  // namespace

int TicketKeysExDataIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::shared_ptr<SessionTicketKeys> SessionTicketKeys::Create(const TimeSource& time_source,
                                                             absl::Duration rotation_interval) {
  if (rotation_interval <= absl::ZeroDuration()) rotation_interval = absl::Minutes(1);
  return std::shared_ptr<SessionTicketKeys>(
      new SessionTicketKeys(time_source, rotation_interval));
}

SessionTicketKeys::SessionTicketKeys(const TimeSource& time_source,
                                     absl::Duration rotation_interval)
    : time_source_(time_source), rotation_interval_(rotation_interval) {
  MutexLock lock(&mu_);
  current_ = NewKey();
  current_since_ = time_source_.MonotonicNow();
}

void SessionTicketKeys::RotateLocked() {
  previous_ = current_;
  has_previous_ = true;
  current_ = NewKey();
  current_since_ = time_source_.MonotonicNow();
  ++rotations_;
}

void SessionTicketKeys::MaybeRotateLocked() {
  absl::Duration age = time_source_.MonotonicNow() - current_since_;
  if (age < rotation_interval_) return;
  if (age >= 2 * rotation_interval_) {
    // Idle for longer than a ticket may live: the old current key is retired too.
    RotateLocked();
    has_previous_ = false;
    return;
  }
  RotateLocked();
}

void SessionTicketKeys::Rotate() {
  MutexLock lock(&mu_);
  RotateLocked();
}

uint64_t SessionTicketKeys::rotations() const {
  MutexLock lock(&mu_);
  return rotations_;
}

SessionTicketKeys::Key SessionTicketKeys::EncryptionKey() {
  MutexLock lock(&mu_);
  MaybeRotateLocked();
  return current_;
}

bool SessionTicketKeys::DecryptionKey(const uint8_t* name, Key* key, bool* is_newest) {
  MutexLock lock(&mu_);
  MaybeRotateLocked();
  if (std::memcmp(name, current_.name.data(), current_.name.size()) == 0) {
    *key = current_;
    *is_newest = true;
    return true;
  }
  if (has_previous_ && std::memcmp(name, previous_.name.data(), previous_.name.size()) == 0) {
    *key = previous_;
    *is_newest = false;
    return true;
  }
  return false;
}

int SessionTicketKeys::TicketKeyCallback(SSL* ssl, uint8_t* key_name, uint8_t* iv,
                                         EVP_CIPHER_CTX* ctx, HMAC_CTX* hmac_ctx,
                                         int encrypt) {
  auto* keys = static_cast<SessionTicketKeys*>(
      SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), TicketKeysExDataIndex()));
  if (keys == nullptr) return encrypt ? -1 : 0;
  const EVP_CIPHER* cipher = EVP_aes_256_cbc();
  if (encrypt) {
    Key key = keys->EncryptionKey();
    if (!RAND_bytes(iv, EVP_CIPHER_iv_length(cipher))) return -1;
    std::memcpy(key_name, key.name.data(), key.name.size());
    if (!EVP_EncryptInit_ex(ctx, cipher, nullptr, key.aes_key.data(), iv) ||
        !HMAC_Init_ex(hmac_ctx, key.hmac_key.data(), key.hmac_key.size(), EVP_sha256(),
                      nullptr)) {
      return -1;
    }
    return 1;
  }
  Key key;
  bool is_newest = false;
  if (!keys->DecryptionKey(key_name, &key, &is_newest)) return 0;  // full handshake
  if (!EVP_DecryptInit_ex(ctx, cipher, nullptr, key.aes_key.data(), iv) ||
      !HMAC_Init_ex(hmac_ctx, key.hmac_key.data(), key.hmac_key.size(), EVP_sha256(),
                    nullptr)) {
    return -1;
  }
  return is_newest ? 1 : 2;  // 2: re-issue the ticket under the newest key
}

}  // namespace weft::tls
