/* coap-udp6-content-format.h: the CoAP Content-Formats registry (RFC 7252 §12.3)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#if !defined(__COAP_UDP6_H_INSIDE__) && !defined(COAP_UDP6_COMPILATION)
#error "Only <coap-udp6/coap-udp6.h> can be included directly."
#endif

#include <coap-udp6/coap-udp6-types.h>

G_BEGIN_DECLS

/**
 * CoapUdp6ContentFormat:
 * @COAP_UDP6_CONTENT_FORMAT_TEXT_PLAIN: text/plain;charset=utf-8 (RFC 7252)
 * @COAP_UDP6_CONTENT_FORMAT_COSE_ENCRYPT0: application/cose;
 *   cose-type="cose-encrypt0" (RFC 9052)
 * @COAP_UDP6_CONTENT_FORMAT_COSE_MAC0: application/cose;
 *   cose-type="cose-mac0" (RFC 9052)
 * @COAP_UDP6_CONTENT_FORMAT_COSE_SIGN1: application/cose;
 *   cose-type="cose-sign1" (RFC 9052)
 * @COAP_UDP6_CONTENT_FORMAT_ACE_CBOR: application/ace+cbor (RFC 9200)
 * @COAP_UDP6_CONTENT_FORMAT_IMAGE_GIF: image/gif
 * @COAP_UDP6_CONTENT_FORMAT_IMAGE_JPEG: image/jpeg
 * @COAP_UDP6_CONTENT_FORMAT_IMAGE_PNG: image/png
 * @COAP_UDP6_CONTENT_FORMAT_LINK_FORMAT: application/link-format (RFC 6690)
 * @COAP_UDP6_CONTENT_FORMAT_XML: application/xml (RFC 3023)
 * @COAP_UDP6_CONTENT_FORMAT_OCTET_STREAM: application/octet-stream (RFC 2045)
 * @COAP_UDP6_CONTENT_FORMAT_EXI: application/exi
 * @COAP_UDP6_CONTENT_FORMAT_JSON: application/json (RFC 8259)
 * @COAP_UDP6_CONTENT_FORMAT_JSON_PATCH_JSON: application/json-patch+json
 *   (RFC 6902)
 * @COAP_UDP6_CONTENT_FORMAT_MERGE_PATCH_JSON: application/merge-patch+json
 *   (RFC 7396)
 * @COAP_UDP6_CONTENT_FORMAT_CBOR: application/cbor (RFC 8949)
 * @COAP_UDP6_CONTENT_FORMAT_CWT: application/cwt (RFC 8392)
 * @COAP_UDP6_CONTENT_FORMAT_MULTIPART_CORE: application/multipart-core
 *   (RFC 8710)
 * @COAP_UDP6_CONTENT_FORMAT_CBOR_SEQ: application/cbor-seq (RFC 8742)
 * @COAP_UDP6_CONTENT_FORMAT_COSE_ENCRYPT: application/cose;
 *   cose-type="cose-encrypt" (RFC 9052)
 * @COAP_UDP6_CONTENT_FORMAT_COSE_MAC: application/cose;
 *   cose-type="cose-mac" (RFC 9052)
 * @COAP_UDP6_CONTENT_FORMAT_COSE_SIGN: application/cose;
 *   cose-type="cose-sign" (RFC 9052)
 * @COAP_UDP6_CONTENT_FORMAT_COSE_KEY: application/cose-key (RFC 9052)
 * @COAP_UDP6_CONTENT_FORMAT_COSE_KEY_SET: application/cose-key-set (RFC 9052)
 * @COAP_UDP6_CONTENT_FORMAT_SENML_JSON: application/senml+json (RFC 8428)
 * @COAP_UDP6_CONTENT_FORMAT_SENSML_JSON: application/sensml+json (RFC 8428)
 * @COAP_UDP6_CONTENT_FORMAT_SENML_CBOR: application/senml+cbor (RFC 8428)
 * @COAP_UDP6_CONTENT_FORMAT_SENSML_CBOR: application/sensml+cbor (RFC 8428)
 * @COAP_UDP6_CONTENT_FORMAT_SENML_EXI: application/senml-exi (RFC 8428)
 * @COAP_UDP6_CONTENT_FORMAT_SENSML_EXI: application/sensml-exi (RFC 8428)
 * @COAP_UDP6_CONTENT_FORMAT_COAP_GROUP_JSON: application/coap-group+json
 *   (RFC 7390)
 * @COAP_UDP6_CONTENT_FORMAT_DOTS_CBOR: application/dots+cbor (RFC 9132)
 * @COAP_UDP6_CONTENT_FORMAT_MISSING_BLOCKS_CBOR_SEQ:
 *   application/missing-blocks+cbor-seq (RFC 9177)
 * @COAP_UDP6_CONTENT_FORMAT_PKCS7_SERVER_GENERATED_KEY: application/pkcs7-mime;
 *   smime-type=server-generated-key (RFC 9148)
 * @COAP_UDP6_CONTENT_FORMAT_PKCS7_CERTS_ONLY: application/pkcs7-mime;
 *   smime-type=certs-only (RFC 9148)
 * @COAP_UDP6_CONTENT_FORMAT_PKCS8: application/pkcs8 (RFC 9148)
 * @COAP_UDP6_CONTENT_FORMAT_CSRATTRS: application/csrattrs (RFC 9148)
 * @COAP_UDP6_CONTENT_FORMAT_PKCS10: application/pkcs10 (RFC 9148)
 * @COAP_UDP6_CONTENT_FORMAT_PKIX_CERT: application/pkix-cert (RFC 9148)
 * @COAP_UDP6_CONTENT_FORMAT_SENML_XML: application/senml+xml (RFC 8428)
 * @COAP_UDP6_CONTENT_FORMAT_SENSML_XML: application/sensml+xml (RFC 8428)
 * @COAP_UDP6_CONTENT_FORMAT_SENML_ETCH_JSON: application/senml-etch+json
 *   (RFC 8790)
 * @COAP_UDP6_CONTENT_FORMAT_SENML_ETCH_CBOR: application/senml-etch+cbor
 *   (RFC 8790)
 * @COAP_UDP6_CONTENT_FORMAT_TD_JSON: application/td+json (W3C WoT)
 * @COAP_UDP6_CONTENT_FORMAT_VND_OCF_CBOR: application/vnd.ocf+cbor
 * @COAP_UDP6_CONTENT_FORMAT_OSCORE: application/oscore (RFC 8613)
 * @COAP_UDP6_CONTENT_FORMAT_JAVASCRIPT: application/javascript
 * @COAP_UDP6_CONTENT_FORMAT_JSON_DEFLATE: application/json with the deflate
 *   content coding
 * @COAP_UDP6_CONTENT_FORMAT_CBOR_DEFLATE: application/cbor with the deflate
 *   content coding
 * @COAP_UDP6_CONTENT_FORMAT_LWM2M_TLV: application/vnd.oma.lwm2m+tlv
 * @COAP_UDP6_CONTENT_FORMAT_LWM2M_JSON: application/vnd.oma.lwm2m+json
 * @COAP_UDP6_CONTENT_FORMAT_LWM2M_CBOR: application/vnd.oma.lwm2m+cbor
 * @COAP_UDP6_CONTENT_FORMAT_TEXT_CSS: text/css
 * @COAP_UDP6_CONTENT_FORMAT_IMAGE_SVG_XML: image/svg+xml
 *
 * Registered CoAP Content-Formats (the IANA "CoAP Content-Formats"
 * registry, RFC 7252 §12.3), the values of the Content-Format and Accept
 * options. Any number from 0 to 65535 may appear on the wire, which is why
 * the functions that take a Content-Format take a #guint or #gint.
 */
typedef enum {
        COAP_UDP6_CONTENT_FORMAT_TEXT_PLAIN = 0,
        COAP_UDP6_CONTENT_FORMAT_COSE_ENCRYPT0 = 16,
        COAP_UDP6_CONTENT_FORMAT_COSE_MAC0 = 17,
        COAP_UDP6_CONTENT_FORMAT_COSE_SIGN1 = 18,
        COAP_UDP6_CONTENT_FORMAT_ACE_CBOR = 19,
        COAP_UDP6_CONTENT_FORMAT_IMAGE_GIF = 21,
        COAP_UDP6_CONTENT_FORMAT_IMAGE_JPEG = 22,
        COAP_UDP6_CONTENT_FORMAT_IMAGE_PNG = 23,
        COAP_UDP6_CONTENT_FORMAT_LINK_FORMAT = 40,
        COAP_UDP6_CONTENT_FORMAT_XML = 41,
        COAP_UDP6_CONTENT_FORMAT_OCTET_STREAM = 42,
        COAP_UDP6_CONTENT_FORMAT_EXI = 47,
        COAP_UDP6_CONTENT_FORMAT_JSON = 50,
        COAP_UDP6_CONTENT_FORMAT_JSON_PATCH_JSON = 51,
        COAP_UDP6_CONTENT_FORMAT_MERGE_PATCH_JSON = 52,
        COAP_UDP6_CONTENT_FORMAT_CBOR = 60,
        COAP_UDP6_CONTENT_FORMAT_CWT = 61,
        COAP_UDP6_CONTENT_FORMAT_MULTIPART_CORE = 62,
        COAP_UDP6_CONTENT_FORMAT_CBOR_SEQ = 63,
        COAP_UDP6_CONTENT_FORMAT_COSE_ENCRYPT = 96,
        COAP_UDP6_CONTENT_FORMAT_COSE_MAC = 97,
        COAP_UDP6_CONTENT_FORMAT_COSE_SIGN = 98,
        COAP_UDP6_CONTENT_FORMAT_COSE_KEY = 101,
        COAP_UDP6_CONTENT_FORMAT_COSE_KEY_SET = 102,
        COAP_UDP6_CONTENT_FORMAT_SENML_JSON = 110,
        COAP_UDP6_CONTENT_FORMAT_SENSML_JSON = 111,
        COAP_UDP6_CONTENT_FORMAT_SENML_CBOR = 112,
        COAP_UDP6_CONTENT_FORMAT_SENSML_CBOR = 113,
        COAP_UDP6_CONTENT_FORMAT_SENML_EXI = 114,
        COAP_UDP6_CONTENT_FORMAT_SENSML_EXI = 115,
        COAP_UDP6_CONTENT_FORMAT_COAP_GROUP_JSON = 256,
        COAP_UDP6_CONTENT_FORMAT_DOTS_CBOR = 271,
        COAP_UDP6_CONTENT_FORMAT_MISSING_BLOCKS_CBOR_SEQ = 272,
        COAP_UDP6_CONTENT_FORMAT_PKCS7_SERVER_GENERATED_KEY = 280,
        COAP_UDP6_CONTENT_FORMAT_PKCS7_CERTS_ONLY = 281,
        COAP_UDP6_CONTENT_FORMAT_PKCS8 = 284,
        COAP_UDP6_CONTENT_FORMAT_CSRATTRS = 285,
        COAP_UDP6_CONTENT_FORMAT_PKCS10 = 286,
        COAP_UDP6_CONTENT_FORMAT_PKIX_CERT = 287,
        COAP_UDP6_CONTENT_FORMAT_SENML_XML = 310,
        COAP_UDP6_CONTENT_FORMAT_SENSML_XML = 311,
        COAP_UDP6_CONTENT_FORMAT_SENML_ETCH_JSON = 320,
        COAP_UDP6_CONTENT_FORMAT_SENML_ETCH_CBOR = 322,
        COAP_UDP6_CONTENT_FORMAT_TD_JSON = 432,
        COAP_UDP6_CONTENT_FORMAT_VND_OCF_CBOR = 10000,
        COAP_UDP6_CONTENT_FORMAT_OSCORE = 10001,
        COAP_UDP6_CONTENT_FORMAT_JAVASCRIPT = 10002,
        COAP_UDP6_CONTENT_FORMAT_JSON_DEFLATE = 11050,
        COAP_UDP6_CONTENT_FORMAT_CBOR_DEFLATE = 11060,
        COAP_UDP6_CONTENT_FORMAT_LWM2M_TLV = 11542,
        COAP_UDP6_CONTENT_FORMAT_LWM2M_JSON = 11543,
        COAP_UDP6_CONTENT_FORMAT_LWM2M_CBOR = 11544,
        COAP_UDP6_CONTENT_FORMAT_TEXT_CSS = 20000,
        COAP_UDP6_CONTENT_FORMAT_IMAGE_SVG_XML = 30000,
} CoapUdp6ContentFormat;

COAP_UDP6_AVAILABLE_IN_ALL
gboolean coap_udp6_content_format_from_string (const char *name,
                                               guint      *out_value);

COAP_UDP6_AVAILABLE_IN_ALL
const char *coap_udp6_content_format_to_string (guint value);

G_END_DECLS
