/* coap-udp6-content-format.c: the CoAP Content-Formats registry (RFC 7252 §12.3)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-content-format.h"

#include <string.h>

typedef struct {
        guint16 value;
        const char *name;
} ContentFormatName;

/* The IANA names, with parameters written as the registry writes them. */
static const ContentFormatName content_formats[] = {
        { COAP_UDP6_CONTENT_FORMAT_TEXT_PLAIN, "text/plain;charset=utf-8" },
        { COAP_UDP6_CONTENT_FORMAT_COSE_ENCRYPT0, "application/cose;cose-type=\"cose-encrypt0\"" },
        { COAP_UDP6_CONTENT_FORMAT_COSE_MAC0, "application/cose;cose-type=\"cose-mac0\"" },
        { COAP_UDP6_CONTENT_FORMAT_COSE_SIGN1, "application/cose;cose-type=\"cose-sign1\"" },
        { COAP_UDP6_CONTENT_FORMAT_ACE_CBOR, "application/ace+cbor" },
        { COAP_UDP6_CONTENT_FORMAT_IMAGE_GIF, "image/gif" },
        { COAP_UDP6_CONTENT_FORMAT_IMAGE_JPEG, "image/jpeg" },
        { COAP_UDP6_CONTENT_FORMAT_IMAGE_PNG, "image/png" },
        { COAP_UDP6_CONTENT_FORMAT_LINK_FORMAT, "application/link-format" },
        { COAP_UDP6_CONTENT_FORMAT_XML, "application/xml" },
        { COAP_UDP6_CONTENT_FORMAT_OCTET_STREAM, "application/octet-stream" },
        { COAP_UDP6_CONTENT_FORMAT_EXI, "application/exi" },
        { COAP_UDP6_CONTENT_FORMAT_JSON, "application/json" },
        { COAP_UDP6_CONTENT_FORMAT_JSON_PATCH_JSON, "application/json-patch+json" },
        { COAP_UDP6_CONTENT_FORMAT_MERGE_PATCH_JSON, "application/merge-patch+json" },
        { COAP_UDP6_CONTENT_FORMAT_CBOR, "application/cbor" },
        { COAP_UDP6_CONTENT_FORMAT_CWT, "application/cwt" },
        { COAP_UDP6_CONTENT_FORMAT_MULTIPART_CORE, "application/multipart-core" },
        { COAP_UDP6_CONTENT_FORMAT_CBOR_SEQ, "application/cbor-seq" },
        { COAP_UDP6_CONTENT_FORMAT_COSE_ENCRYPT, "application/cose;cose-type=\"cose-encrypt\"" },
        { COAP_UDP6_CONTENT_FORMAT_COSE_MAC, "application/cose;cose-type=\"cose-mac\"" },
        { COAP_UDP6_CONTENT_FORMAT_COSE_SIGN, "application/cose;cose-type=\"cose-sign\"" },
        { COAP_UDP6_CONTENT_FORMAT_COSE_KEY, "application/cose-key" },
        { COAP_UDP6_CONTENT_FORMAT_COSE_KEY_SET, "application/cose-key-set" },
        { COAP_UDP6_CONTENT_FORMAT_SENML_JSON, "application/senml+json" },
        { COAP_UDP6_CONTENT_FORMAT_SENSML_JSON, "application/sensml+json" },
        { COAP_UDP6_CONTENT_FORMAT_SENML_CBOR, "application/senml+cbor" },
        { COAP_UDP6_CONTENT_FORMAT_SENSML_CBOR, "application/sensml+cbor" },
        { COAP_UDP6_CONTENT_FORMAT_SENML_EXI, "application/senml-exi" },
        { COAP_UDP6_CONTENT_FORMAT_SENSML_EXI, "application/sensml-exi" },
        { COAP_UDP6_CONTENT_FORMAT_COAP_GROUP_JSON, "application/coap-group+json" },
        { COAP_UDP6_CONTENT_FORMAT_DOTS_CBOR, "application/dots+cbor" },
        { COAP_UDP6_CONTENT_FORMAT_MISSING_BLOCKS_CBOR_SEQ, "application/missing-blocks+cbor-seq" },
        { COAP_UDP6_CONTENT_FORMAT_PKCS7_SERVER_GENERATED_KEY,
          "application/pkcs7-mime;smime-type=server-generated-key" },
        { COAP_UDP6_CONTENT_FORMAT_PKCS7_CERTS_ONLY, "application/pkcs7-mime;smime-type=certs-only" },
        { COAP_UDP6_CONTENT_FORMAT_PKCS8, "application/pkcs8" },
        { COAP_UDP6_CONTENT_FORMAT_CSRATTRS, "application/csrattrs" },
        { COAP_UDP6_CONTENT_FORMAT_PKCS10, "application/pkcs10" },
        { COAP_UDP6_CONTENT_FORMAT_PKIX_CERT, "application/pkix-cert" },
        { COAP_UDP6_CONTENT_FORMAT_SENML_XML, "application/senml+xml" },
        { COAP_UDP6_CONTENT_FORMAT_SENSML_XML, "application/sensml+xml" },
        { COAP_UDP6_CONTENT_FORMAT_SENML_ETCH_JSON, "application/senml-etch+json" },
        { COAP_UDP6_CONTENT_FORMAT_SENML_ETCH_CBOR, "application/senml-etch+cbor" },
        { COAP_UDP6_CONTENT_FORMAT_TD_JSON, "application/td+json" },
        { COAP_UDP6_CONTENT_FORMAT_VND_OCF_CBOR, "application/vnd.ocf+cbor" },
        { COAP_UDP6_CONTENT_FORMAT_OSCORE, "application/oscore" },
        { COAP_UDP6_CONTENT_FORMAT_JAVASCRIPT, "application/javascript" },
        { COAP_UDP6_CONTENT_FORMAT_JSON_DEFLATE, "application/json@deflate" },
        { COAP_UDP6_CONTENT_FORMAT_CBOR_DEFLATE, "application/cbor@deflate" },
        { COAP_UDP6_CONTENT_FORMAT_LWM2M_TLV, "application/vnd.oma.lwm2m+tlv" },
        { COAP_UDP6_CONTENT_FORMAT_LWM2M_JSON, "application/vnd.oma.lwm2m+json" },
        { COAP_UDP6_CONTENT_FORMAT_LWM2M_CBOR, "application/vnd.oma.lwm2m+cbor" },
        { COAP_UDP6_CONTENT_FORMAT_TEXT_CSS, "text/css" },
        { COAP_UDP6_CONTENT_FORMAT_IMAGE_SVG_XML, "image/svg+xml" },
};

/* Compares a media type as people write it with a registry name: case and
 * blanks around ';' and '=' do not matter (RFC 9110 §5.6.6, §8.3.1), and
 * quotes around a parameter value are optional. */
static gboolean
media_type_equal (const char *given,
                  const char *registered)
{
        char previous = '\0';

        for (;;) {
                gboolean at_separator = *registered == ';' || *registered == '=' ||
                                        previous == ';' || previous == '=';

                while (at_separator && (*given == ' ' || *given == '\t'))
                        given++;
                if (*given == '"' && (previous == '=' || *registered == '"'))
                        given++;
                while (*registered == '"')
                        registered++;
                if (*given == '\0' || *registered == '\0')
                        return *given == '\0' && *registered == '\0';
                if (g_ascii_tolower (*given) != *registered)
                        return FALSE;
                previous = *registered;
                given++;
                registered++;
        }
}

static gboolean
parse_number (const char *name,
              guint      *out_value)
{
        guint64 number;

        if (!g_ascii_isdigit (name[0]) ||
            !g_ascii_string_to_unsigned (name, 10, 0, G_MAXUINT16, &number, NULL))
                return FALSE;
        *out_value = (guint) number;
        return TRUE;
}

/**
 * coap_udp6_content_format_from_string:
 * @name: a media type ("application/json", "text/plain;charset=utf-8"), or
 *   a Content-Format number in decimal ("50")
 * @out_value: (out) (optional): where to store the Content-Format number
 *
 * Looks up the Content-Format number of a media type in the IANA registry
 * of [enum@ContentFormat]. Case and blanks around parameters do not
 * matter; "text/plain" alone means number 0, the only plain-text format
 * CoAP registers. A decimal number from 0 to 65535 is accepted as it is,
 * registered or not.
 *
 * Returns: %TRUE if @name is a registered media type or a number
 */
gboolean
coap_udp6_content_format_from_string (const char *name,
                                      guint      *out_value)
{
        guint value = 0;

        g_return_val_if_fail (name != NULL, FALSE);

        if (parse_number (name, &value)) {
                if (out_value != NULL)
                        *out_value = value;
                return TRUE;
        }
        /* RFC 7252 §12.3 registers text/plain only with charset=utf-8. */
        if (media_type_equal (name, "text/plain")) {
                if (out_value != NULL)
                        *out_value = COAP_UDP6_CONTENT_FORMAT_TEXT_PLAIN;
                return TRUE;
        }
        for (gsize i = 0; i < G_N_ELEMENTS (content_formats); i++) {
                if (media_type_equal (name, content_formats[i].name)) {
                        if (out_value != NULL)
                                *out_value = content_formats[i].value;
                        return TRUE;
                }
        }
        return FALSE;
}

/**
 * coap_udp6_content_format_to_string:
 * @value: a Content-Format number, 0 to 65535
 *
 * Gets the registered media type of a Content-Format number, as the IANA
 * registry writes it ("text/plain;charset=utf-8", "application/json"). A
 * content coding is appended after `@` ("application/json@deflate").
 *
 * Returns: (nullable): the media type, or %NULL for an unregistered number
 */
const char *
coap_udp6_content_format_to_string (guint value)
{
        for (gsize i = 0; i < G_N_ELEMENTS (content_formats); i++)
                if (content_formats[i].value == value)
                        return content_formats[i].name;
        return NULL;
}
