#ifndef WEFT_PROXY_TLS_TLS_CALLBACKS_H_
#define WEFT_PROXY_TLS_TLS_CALLBACKS_H_

// BoringSSL callbacks that TlsContext installs on its SSL_CTX and that need the
// per-connection state of TlsTransportSocket (implemented in
// tls_transport_socket.cc). Internal to proxy/tls. Called on the thread that
// drives the SSL, inside SSL_do_handshake / SSL_read.

#include <cstdint>

#include "openssl/ssl.h"

namespace weft::tls {

// Verifies the peer's chain with certs::VerifyWorkloadChainDer and, on a client,
// the server's identity against the expected set.
ssl_verify_result_t VerifyPeerCallback(SSL* ssl, uint8_t* out_alert);

// A client received a session ticket: keep it under the connection's session key.
int NewClientSessionCallback(SSL* ssl, SSL_SESSION* session);

}  // namespace weft::tls

#endif  // WEFT_PROXY_TLS_TLS_CALLBACKS_H_
