/* coap-udp6-gnutls-private.h: GnuTLS, loaded when coaps is first used
 * (not installed)
 *
 * The library does not link GnuTLS: loading it and the eight libraries it
 * needs, and running its constructor (gnutls_global_init), took more than
 * half of the start-up of a process that never speaks coaps (4.6 M of
 * 8.3 M instructions for a one-message client, doc/performance.md). The
 * DTLS files include this header instead of GnuTLS's: it declares every
 * GnuTLS function and variable they use as a pointer filled by
 * coap_udp6_gnutls_load(), and #defines the GnuTLS name to it, so their
 * calls read as plain GnuTLS calls. A GnuTLS function used without an
 * entry here is an undefined reference when the library is linked.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/dtls.h>
#include <gnutls/x509.h>
#include <gnutls/abstract.h>

G_BEGIN_DECLS

/* Every symbol of GnuTLS the DTLS files use. */
#define COAP_UDP6_GNUTLS_SYMBOLS(S) \
        S (gnutls_alert_get) \
        S (gnutls_alert_get_name) \
        S (gnutls_alert_send) \
        S (gnutls_alert_send_appropriate) \
        S (gnutls_bye) \
        S (gnutls_certificate_allocate_credentials) \
        S (gnutls_certificate_free_credentials) \
        S (gnutls_certificate_get_peers) \
        S (gnutls_certificate_server_set_request) \
        S (gnutls_certificate_set_key) \
        S (gnutls_certificate_set_verify_function) \
        S (gnutls_certificate_set_x509_key_mem) \
        S (gnutls_certificate_set_x509_trust_mem) \
        S (gnutls_certificate_type_get) \
        S (gnutls_certificate_type_get2) \
        S (gnutls_certificate_verification_status_print) \
        S (gnutls_certificate_verify_peers2) \
        S (gnutls_credentials_set) \
        S (gnutls_deinit) \
        S (gnutls_dtls_cookie_send) \
        S (gnutls_dtls_cookie_verify) \
        S (gnutls_dtls_prestate_set) \
        S (gnutls_dtls_set_mtu) \
        S (gnutls_dtls_set_timeouts) \
        S (gnutls_error_is_fatal) \
        S (gnutls_free) \
        S (gnutls_handshake) \
        S (gnutls_handshake_get_last_in) \
        S (gnutls_init) \
        S (gnutls_key_generate) \
        S (gnutls_kx_get) \
        S (gnutls_malloc) \
        S (gnutls_pcert_deinit) \
        S (gnutls_pcert_import_rawpk_raw) \
        S (gnutls_pem_base64_decode2) \
        S (gnutls_priority_deinit) \
        S (gnutls_priority_init) \
        S (gnutls_priority_set) \
        S (gnutls_privkey_deinit) \
        S (gnutls_privkey_import_x509_raw) \
        S (gnutls_privkey_init) \
        S (gnutls_psk_allocate_client_credentials) \
        S (gnutls_psk_allocate_server_credentials) \
        S (gnutls_psk_free_client_credentials) \
        S (gnutls_psk_free_server_credentials) \
        S (gnutls_psk_server_get_username) \
        S (gnutls_psk_set_client_credentials) \
        S (gnutls_psk_set_server_credentials_function) \
        S (gnutls_pubkey_deinit) \
        S (gnutls_pubkey_export2) \
        S (gnutls_pubkey_import) \
        S (gnutls_pubkey_import_privkey) \
        S (gnutls_pubkey_init) \
        S (gnutls_record_check_pending) \
        S (gnutls_record_recv) \
        S (gnutls_record_send) \
        S (gnutls_server_name_set) \
        S (gnutls_session_get_ptr) \
        S (gnutls_session_get_verify_cert_status) \
        S (gnutls_session_set_ptr) \
        S (gnutls_session_set_verify_cert2) \
        S (gnutls_strerror) \
        S (gnutls_transport_set_errno) \
        S (gnutls_transport_set_ptr) \
        S (gnutls_transport_set_pull_function) \
        S (gnutls_transport_set_pull_timeout_function) \
        S (gnutls_transport_set_push_function) \
        S (gnutls_x509_crt_deinit) \
        S (gnutls_x509_crt_get_dn3) \
        S (gnutls_x509_crt_import) \
        S (gnutls_x509_crt_init)

/* The address of each symbol (a function, or a variable such as
 * gnutls_free), as GnuTLS's headers declare it. */
typedef struct {
#define COAP_UDP6_GNUTLS_MEMBER(name) __typeof__ (name) *p_##name;
        COAP_UDP6_GNUTLS_SYMBOLS (COAP_UDP6_GNUTLS_MEMBER)
#undef COAP_UDP6_GNUTLS_MEMBER
} CoapUdp6Gnutls;

extern CoapUdp6Gnutls coap_udp6_gnutls;

/* Loads GnuTLS once (its constructor initialises it) and fills
 * coap_udp6_gnutls; FALSE with COAP_UDP6_ERROR_NOT_SUPPORTED when the
 * library or one of its symbols is missing, every later call too. */
gboolean coap_udp6_gnutls_load (GError **error);

#define gnutls_alert_get (*coap_udp6_gnutls.p_gnutls_alert_get)
#define gnutls_alert_get_name (*coap_udp6_gnutls.p_gnutls_alert_get_name)
#define gnutls_alert_send (*coap_udp6_gnutls.p_gnutls_alert_send)
#define gnutls_alert_send_appropriate (*coap_udp6_gnutls.p_gnutls_alert_send_appropriate)
#define gnutls_bye (*coap_udp6_gnutls.p_gnutls_bye)
#define gnutls_certificate_allocate_credentials (*coap_udp6_gnutls.p_gnutls_certificate_allocate_credentials)
#define gnutls_certificate_free_credentials (*coap_udp6_gnutls.p_gnutls_certificate_free_credentials)
#define gnutls_certificate_get_peers (*coap_udp6_gnutls.p_gnutls_certificate_get_peers)
#define gnutls_certificate_server_set_request (*coap_udp6_gnutls.p_gnutls_certificate_server_set_request)
#define gnutls_certificate_set_key (*coap_udp6_gnutls.p_gnutls_certificate_set_key)
#define gnutls_certificate_set_verify_function (*coap_udp6_gnutls.p_gnutls_certificate_set_verify_function)
#define gnutls_certificate_set_x509_key_mem (*coap_udp6_gnutls.p_gnutls_certificate_set_x509_key_mem)
#define gnutls_certificate_set_x509_trust_mem (*coap_udp6_gnutls.p_gnutls_certificate_set_x509_trust_mem)
#define gnutls_certificate_type_get (*coap_udp6_gnutls.p_gnutls_certificate_type_get)
#define gnutls_certificate_type_get2 (*coap_udp6_gnutls.p_gnutls_certificate_type_get2)
#define gnutls_certificate_verification_status_print (*coap_udp6_gnutls.p_gnutls_certificate_verification_status_print)
#define gnutls_certificate_verify_peers2 (*coap_udp6_gnutls.p_gnutls_certificate_verify_peers2)
#define gnutls_credentials_set (*coap_udp6_gnutls.p_gnutls_credentials_set)
#define gnutls_deinit (*coap_udp6_gnutls.p_gnutls_deinit)
#define gnutls_dtls_cookie_send (*coap_udp6_gnutls.p_gnutls_dtls_cookie_send)
#define gnutls_dtls_cookie_verify (*coap_udp6_gnutls.p_gnutls_dtls_cookie_verify)
#define gnutls_dtls_prestate_set (*coap_udp6_gnutls.p_gnutls_dtls_prestate_set)
#define gnutls_dtls_set_mtu (*coap_udp6_gnutls.p_gnutls_dtls_set_mtu)
#define gnutls_dtls_set_timeouts (*coap_udp6_gnutls.p_gnutls_dtls_set_timeouts)
#define gnutls_error_is_fatal (*coap_udp6_gnutls.p_gnutls_error_is_fatal)
#define gnutls_free (*coap_udp6_gnutls.p_gnutls_free)
#define gnutls_handshake (*coap_udp6_gnutls.p_gnutls_handshake)
#define gnutls_handshake_get_last_in (*coap_udp6_gnutls.p_gnutls_handshake_get_last_in)
#define gnutls_init (*coap_udp6_gnutls.p_gnutls_init)
#define gnutls_key_generate (*coap_udp6_gnutls.p_gnutls_key_generate)
#define gnutls_kx_get (*coap_udp6_gnutls.p_gnutls_kx_get)
#define gnutls_malloc (*coap_udp6_gnutls.p_gnutls_malloc)
#define gnutls_pcert_deinit (*coap_udp6_gnutls.p_gnutls_pcert_deinit)
#define gnutls_pcert_import_rawpk_raw (*coap_udp6_gnutls.p_gnutls_pcert_import_rawpk_raw)
#define gnutls_pem_base64_decode2 (*coap_udp6_gnutls.p_gnutls_pem_base64_decode2)
#define gnutls_priority_deinit (*coap_udp6_gnutls.p_gnutls_priority_deinit)
#define gnutls_priority_init (*coap_udp6_gnutls.p_gnutls_priority_init)
#define gnutls_priority_set (*coap_udp6_gnutls.p_gnutls_priority_set)
#define gnutls_privkey_deinit (*coap_udp6_gnutls.p_gnutls_privkey_deinit)
#define gnutls_privkey_import_x509_raw (*coap_udp6_gnutls.p_gnutls_privkey_import_x509_raw)
#define gnutls_privkey_init (*coap_udp6_gnutls.p_gnutls_privkey_init)
#define gnutls_psk_allocate_client_credentials (*coap_udp6_gnutls.p_gnutls_psk_allocate_client_credentials)
#define gnutls_psk_allocate_server_credentials (*coap_udp6_gnutls.p_gnutls_psk_allocate_server_credentials)
#define gnutls_psk_free_client_credentials (*coap_udp6_gnutls.p_gnutls_psk_free_client_credentials)
#define gnutls_psk_free_server_credentials (*coap_udp6_gnutls.p_gnutls_psk_free_server_credentials)
#define gnutls_psk_server_get_username (*coap_udp6_gnutls.p_gnutls_psk_server_get_username)
#define gnutls_psk_set_client_credentials (*coap_udp6_gnutls.p_gnutls_psk_set_client_credentials)
#define gnutls_psk_set_server_credentials_function (*coap_udp6_gnutls.p_gnutls_psk_set_server_credentials_function)
#define gnutls_pubkey_deinit (*coap_udp6_gnutls.p_gnutls_pubkey_deinit)
#define gnutls_pubkey_export2 (*coap_udp6_gnutls.p_gnutls_pubkey_export2)
#define gnutls_pubkey_import (*coap_udp6_gnutls.p_gnutls_pubkey_import)
#define gnutls_pubkey_import_privkey (*coap_udp6_gnutls.p_gnutls_pubkey_import_privkey)
#define gnutls_pubkey_init (*coap_udp6_gnutls.p_gnutls_pubkey_init)
#define gnutls_record_check_pending (*coap_udp6_gnutls.p_gnutls_record_check_pending)
#define gnutls_record_recv (*coap_udp6_gnutls.p_gnutls_record_recv)
#define gnutls_record_send (*coap_udp6_gnutls.p_gnutls_record_send)
#define gnutls_server_name_set (*coap_udp6_gnutls.p_gnutls_server_name_set)
#define gnutls_session_get_ptr (*coap_udp6_gnutls.p_gnutls_session_get_ptr)
#define gnutls_session_get_verify_cert_status (*coap_udp6_gnutls.p_gnutls_session_get_verify_cert_status)
#define gnutls_session_set_ptr (*coap_udp6_gnutls.p_gnutls_session_set_ptr)
#define gnutls_session_set_verify_cert2 (*coap_udp6_gnutls.p_gnutls_session_set_verify_cert2)
#define gnutls_strerror (*coap_udp6_gnutls.p_gnutls_strerror)
#define gnutls_transport_set_errno (*coap_udp6_gnutls.p_gnutls_transport_set_errno)
#define gnutls_transport_set_ptr (*coap_udp6_gnutls.p_gnutls_transport_set_ptr)
#define gnutls_transport_set_pull_function (*coap_udp6_gnutls.p_gnutls_transport_set_pull_function)
#define gnutls_transport_set_pull_timeout_function (*coap_udp6_gnutls.p_gnutls_transport_set_pull_timeout_function)
#define gnutls_transport_set_push_function (*coap_udp6_gnutls.p_gnutls_transport_set_push_function)
#define gnutls_x509_crt_deinit (*coap_udp6_gnutls.p_gnutls_x509_crt_deinit)
#define gnutls_x509_crt_get_dn3 (*coap_udp6_gnutls.p_gnutls_x509_crt_get_dn3)
#define gnutls_x509_crt_import (*coap_udp6_gnutls.p_gnutls_x509_crt_import)
#define gnutls_x509_crt_init (*coap_udp6_gnutls.p_gnutls_x509_crt_init)

G_END_DECLS
