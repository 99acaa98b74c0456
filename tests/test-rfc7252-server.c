/* test-rfc7252-server.c: the option rules of RFC 7252 §4.1, §5.4–5.10 and
 * RFC 6690 §4 as a peer sees them, with hand-built datagrams on loopback
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-utils.h"

#include <string.h>

/* A resource answering with a fixed text; "echo" also keeps an entity-tag
 * and stores what a PUT sends. */
#define TEST_TYPE_RESOURCE (test_resource_get_type ())
G_DECLARE_FINAL_TYPE (TestResource, test_resource, TEST, RESOURCE, CoapUdp6Resource)

struct _TestResource {
        CoapUdp6Resource parent_instance;
        const char *text;
        gboolean etagged;
        guint calls;
};

G_DEFINE_FINAL_TYPE (TestResource, test_resource, COAP_UDP6_TYPE_RESOURCE)

static void
test_resource_render (CoapUdp6Resource *resource,
                      CoapUdp6Request  *request)
{
        TestResource *self = TEST_RESOURCE (resource);
        CoapUdp6Message *message = coap_udp6_request_get_message (request);
        g_autoptr (CoapUdp6Message) response = NULL;
        g_autoptr (GBytes) payload = g_bytes_new_static (self->text, strlen (self->text));
        GBytes *etag = coap_udp6_resource_get_etag (resource);

        self->calls++;
        if (coap_udp6_message_get_code (message) == COAP_UDP6_CODE_PUT && self->etagged) {
                static const guint8 next[] = { 0x03, 0x04 };
                g_autoptr (GBytes) new_etag = g_bytes_new_static (next, sizeof next);

                coap_udp6_resource_set_etag (resource, new_etag);
                coap_udp6_request_respond_payload (request, COAP_UDP6_CODE_CHANGED, NULL, -1);
                return;
        }
        response = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_ACK, COAP_UDP6_CODE_CONTENT);
        coap_udp6_message_set_payload (response, payload);
        coap_udp6_message_set_content_format (response, 0);
        if (etag != NULL)
                coap_udp6_message_add_etag (response, etag);
        coap_udp6_request_respond (request, response);
}

static void
test_resource_class_init (TestResourceClass *klass)
{
        COAP_UDP6_RESOURCE_CLASS (klass)->render = test_resource_render;
}

static void
test_resource_init (TestResource *self)
{
}

typedef struct {
        GMainContext *main_context;
        CoapUdp6Context *server;
        TestResource *hello;                /* ct 0, rt "greeting x.hello", title "Hello" */
        TestResource *echo;                 /* an entity-tag 01 02 */
        TestResource *plain;                /* no ct, no entity-tag */
        TestResource *one_segment;          /* the segment "a/b" */
        TestResource *two_segments;         /* the segments "a", "b" */
        GSocket *raw;
        GSocketAddress *server_address;
} Fixture;

static TestResource *
add (Fixture    *f,
     const char *path,
     const char *text)
{
        TestResource *resource = g_object_new (TEST_TYPE_RESOURCE, NULL);

        resource->text = text;
        coap_udp6_context_add_resource (f->server, path, COAP_UDP6_RESOURCE (resource));
        return resource;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
        static const guint8 tag[] = { 0x01, 0x02 };
        g_autoptr (GBytes) etag = g_bytes_new_static (tag, sizeof tag);

        f->main_context = test_main_context_push ();
        f->server = test_loopback_server_new (&f->server_address);
        f->hello = add (f, "hello", "hello");
        g_object_set (f->hello, "content-format", 0, "resource-type", "greeting x.hello",
                      "interface-description", "core.s", "title", "Hello", NULL);
        f->echo = add (f, "echo", "echo");
        f->echo->etagged = TRUE;
        g_object_set (f->echo, "etag", etag, "content-format", 0, "observable", TRUE, NULL);
        f->plain = add (f, "plain", "plain");
        f->one_segment = add (f, "a%2Fb", "one");
        f->two_segments = add (f, "a/b", "two");
        f->raw = test_raw_socket_new ();
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
        g_clear_object (&f->server);
        g_clear_object (&f->hello);
        g_clear_object (&f->echo);
        g_clear_object (&f->plain);
        g_clear_object (&f->one_segment);
        g_clear_object (&f->two_segments);
        g_clear_object (&f->raw);
        g_clear_object (&f->server_address);
        test_main_context_pop (f->main_context);
}

/* Sends @hex and returns the answer's hex, or NULL if none comes. */
static char *
exchange (Fixture    *f,
          const char *hex,
          guint       ms)
{
        test_raw_send_hex (f->raw, f->server_address, hex);
        return test_raw_recv_hex (f->main_context, f->raw, ms);
}

/* Sends @hex and decodes the answer, which must come. */
static CoapUdp6Message *
ask (Fixture    *f,
     const char *hex)
{
        g_autofree char *got = exchange (f, hex, 2000);
        g_autoptr (GBytes) bytes = NULL;
        g_autoptr (GError) error = NULL;
        CoapUdp6Message *message;

        g_assert_nonnull (got);
        bytes = test_bytes_from_hex (got);
        message = coap_udp6_message_decode (bytes, NULL, &error);
        g_assert_no_error (error);
        return message;
}

static char *
payload_text (CoapUdp6Message *message)
{
        GBytes *payload = coap_udp6_message_get_payload (message);

        return g_strndup (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload));
}

/* Asserts the answer to @hex: a piggybacked @code for a CON. */
static void
assert_code (Fixture    *f,
             const char *hex,
             guint       code)
{
        g_autoptr (CoapUdp6Message) answer = ask (f, hex);

        g_assert_cmpint (coap_udp6_message_get_mtype (answer), ==, COAP_UDP6_MESSAGE_TYPE_ACK);
        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, code);
}

/* Asserts that the answer to @hex is the text of a resource. */
static void
assert_text (Fixture    *f,
             const char *hex,
             const char *text)
{
        g_autoptr (CoapUdp6Message) answer = ask (f, hex);
        g_autofree char *got = payload_text (answer);

        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpstr (got, ==, text);
}

/* Headers: CON GET, MID 12 34 (each test sends one request per MID),
 * no token; "b5 68656c6c6f" is Uri-Path "hello", "b4 6563686f" "echo". */
#define CON_GET(mid) "40 01 12 " mid " "
#define HELLO "b5 68656c6c6f "
#define ECHO "b4 6563686f "
#define ECHO_AFTER_IF_MATCH "a4 6563686f "

/* §5.4.1: an unrecognised critical option (13) in a CON request gets 4.02
 * with a diagnostic payload (§5.5.2: UTF-8 text, no Content-Format). */
static void
test_critical_con (Fixture      *f,
                   gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = ask (f, CON_GET ("01") HELLO "21 00");
        g_autofree char *text = payload_text (answer);

        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_BAD_OPTION);
        g_assert_cmpint (coap_udp6_message_get_mid (answer), ==, 0x1201);
        g_assert_true (g_str_has_prefix (text, "Bad option"));
        g_assert_true (g_utf8_validate (text, -1, NULL));
        g_assert_false (coap_udp6_message_has_option (answer, COAP_UDP6_OPTION_CONTENT_FORMAT));
        g_assert_cmpuint (f->hello->calls, ==, 0);
}

/* §5.4.1, §4.3: the same in a NON request: rejected with an RST, never a
 * NON 4.02, and the resource never runs. */
static void
test_critical_non (Fixture      *f,
                   gconstpointer data)
{
        g_autofree char *got = exchange (f, "50 01 12 02 " HELLO "21 00", 2000);

        g_assert_cmpstr (got, ==, "70001202");
        g_assert_cmpuint (f->hello->calls, ==, 0);
        /* A NON the server can process gets a NON answer. */
        g_clear_pointer (&got, g_free);
        got = exchange (f, "50 01 12 03 " HELLO, 2000);
        g_assert_nonnull (got);
        g_assert_true (g_str_has_prefix (got, "5045"));
        g_assert_cmpuint (f->hello->calls, ==, 1);
}

/* §5.4.1: an unrecognised elective option (24) is ignored. */
static void
test_elective_ignored (Fixture      *f,
                       gconstpointer data)
{
        assert_text (f, CON_GET ("04") HELLO "d1 00 00", "hello");
}

/* §5.4.5: a non-repeatable critical option (Uri-Host) repeated is
 * unrecognised: 4.02. */
static void
test_repeated_critical (Fixture      *f,
                        gconstpointer data)
{
        assert_code (f, CON_GET ("05") "33 6c6f63 03 6c6f63 85 68656c6c6f", COAP_UDP6_CODE_BAD_OPTION);
        /* A repeated elective one (Content-Format) is ignored. */
        assert_text (f, CON_GET ("06") HELLO "10 00", "hello");
        g_assert_cmpuint (f->hello->calls, ==, 1);
}

/* §5.4.3, §5.10: a length out of range makes an option unrecognised: a
 * critical one (Uri-Host of 0 bytes, If-None-Match of 1) gets 4.02, an
 * elective one (Content-Format of 3 bytes) is ignored. */
static void
test_length_out_of_range (Fixture      *f,
                          gconstpointer data)
{
        assert_code (f, CON_GET ("07") "30 85 68656c6c6f", COAP_UDP6_CODE_BAD_OPTION);
        assert_code (f, CON_GET ("08") "51 00 64 6563686f", COAP_UDP6_CODE_BAD_OPTION);
        assert_text (f, CON_GET ("09") HELLO "13 000000", "hello");
}

/* §5.10.1: Uri-Host and Uri-Port name this server; they are accepted and
 * do not change which resource answers. */
static void
test_uri_host_port (Fixture      *f,
                    gconstpointer data)
{
        /* Uri-Host "example.org", Uri-Port 5683, Uri-Path "hello". */
        assert_text (f, CON_GET ("0a") "3b 6578616d706c652e6f7267 42 1633 45 68656c6c6f", "hello");
}

/* §5.10.1, §6.5: Uri-Path is matched segment by segment: "a/b" as one
 * segment is the resource named "a%2Fb", not "a/b". */
static void
test_uri_path_segments (Fixture      *f,
                        gconstpointer data)
{
        assert_text (f, CON_GET ("0b") "b3 612f62", "one");
        assert_text (f, CON_GET ("0c") "b1 61 01 62", "two");
        /* A "%" in a segment is itself escaped: "a%2Fb" sent literally is
         * a third name. */
        assert_code (f, CON_GET ("0d") "b5 6125324662", COAP_UDP6_CODE_NOT_FOUND);
        /* A NUL byte does not end the name early. */
        assert_code (f, CON_GET ("0e") "b6 68656c6c6f00", COAP_UDP6_CODE_NOT_FOUND);
}

/* §5.7.2, §5.10.2: Proxy-Uri and Proxy-Scheme at a server that is not a
 * proxy: 5.05. */
static void
test_proxy (Fixture      *f,
            gconstpointer data)
{
        /* Proxy-Uri (35) "coap://[::1]/hello" (18 bytes). */
        assert_code (f, CON_GET ("0f") "dd 16 05 636f61703a2f2f5b3a3a315d2f68656c6c6f",
                     COAP_UDP6_CODE_PROXYING_NOT_SUPPORTED);
        /* Uri-Path "hello", Proxy-Scheme (39) "coap". */
        assert_code (f, CON_GET ("10") HELLO "d4 0f 636f6170", COAP_UDP6_CODE_PROXYING_NOT_SUPPORTED);
        g_assert_cmpuint (f->hello->calls, ==, 0);
}

/* §5.10.4: Accept naming a format the resource cannot produce: 4.06;
 * the one it produces, or none, is served. */
static void
test_accept (Fixture      *f,
             gconstpointer data)
{
        assert_code (f, CON_GET ("11") HELLO "61 32", COAP_UDP6_CODE_NOT_ACCEPTABLE);
        g_assert_cmpuint (f->hello->calls, ==, 0);
        assert_text (f, CON_GET ("12") HELLO "60", "hello");
        /* A resource that did not say what it produces decides itself. */
        assert_text (f, CON_GET ("13") "b5 706c61696e 61 32", "plain");
}

/* RFC 6690 §4, RFC 7252 §5.10.4: /.well-known/core produces only 40. */
static void
test_accept_well_known (Fixture      *f,
                        gconstpointer data)
{
        /* Uri-Path ".well-known", "core", then Accept. */
        assert_code (f, CON_GET ("14") "bb 2e77656c6c2d6b6e6f776e 04 636f7265 61 00",
                     COAP_UDP6_CODE_NOT_ACCEPTABLE);
        assert_code (f, CON_GET ("15") "bb 2e77656c6c2d6b6e6f776e 04 636f7265 61 28",
                     COAP_UDP6_CODE_CONTENT);
}

/* §5.10.8.1: If-Match with the current entity-tag, or empty, lets the
 * request through; with another one it gets 4.12 and no side effect. */
static void
test_if_match (Fixture      *f,
               gconstpointer data)
{
        /* PUT /echo, If-Match 09 09. */
        assert_code (f, "40 03 12 16 12 0909" ECHO_AFTER_IF_MATCH, COAP_UDP6_CODE_PRECONDITION_FAILED);
        g_assert_cmpuint (f->echo->calls, ==, 0);
        /* If-Match 01 02, the current one: the PUT changes the entity-tag. */
        assert_code (f, "40 03 12 17 12 0102" ECHO_AFTER_IF_MATCH, COAP_UDP6_CODE_CHANGED);
        assert_code (f, "40 03 12 18 12 0102" ECHO_AFTER_IF_MATCH, COAP_UDP6_CODE_PRECONDITION_FAILED);
        /* Two values, one current (03 04). */
        assert_code (f, "40 03 12 19 12 0909 02 0304" ECHO_AFTER_IF_MATCH, COAP_UDP6_CODE_CHANGED);
        /* Empty: any current representation. */
        assert_code (f, "40 03 12 1a 10" ECHO_AFTER_IF_MATCH, COAP_UDP6_CODE_CHANGED);
        g_assert_cmpuint (f->echo->calls, ==, 3);
}

/* §5.10.8: a resource without an entity-tag cannot compare If-Match
 * values: to it the option is unrecognised (4.02). An empty If-Match
 * only asks whether the resource exists, which it does. */
static void
test_if_match_unsupported (Fixture      *f,
                           gconstpointer data)
{
        assert_code (f, "40 03 12 1b 12 0909 a5 706c61696e", COAP_UDP6_CODE_BAD_OPTION);
        assert_text (f, CON_GET ("1c") "10 a5 706c61696e", "plain");
        g_assert_cmpuint (f->plain->calls, ==, 1);
}

/* §5.10.8.2: If-None-Match on a resource that exists: 4.12. */
static void
test_if_none_match (Fixture      *f,
                    gconstpointer data)
{
        assert_code (f, "40 03 12 1d 50 64 6563686f", COAP_UDP6_CODE_PRECONDITION_FAILED);
        assert_code (f, "40 03 12 1e 50 65 706c61696e", COAP_UDP6_CODE_PRECONDITION_FAILED);
        g_assert_cmpuint (f->echo->calls + f->plain->calls, ==, 0);
}

/* §5.10.6: the resource's entity-tag is in its 2.05 responses. */
static void
test_etag_in_response (Fixture      *f,
                       gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = ask (f, CON_GET ("1f") ECHO);
        g_autoptr (GPtrArray) etags = coap_udp6_message_get_etags (answer);
        static const guint8 tag[] = { 0x01, 0x02 };
        g_autoptr (GBytes) expected = g_bytes_new_static (tag, sizeof tag);

        g_assert_cmpuint (etags->len, ==, 1);
        g_assert_true (g_bytes_equal (etags->pdata[0], expected));
}

/* §5.10.5: the server sets no Max-Age of its own, so the default of 60 s
 * applies. */
static void
test_max_age_default (Fixture      *f,
                      gconstpointer data)
{
        g_autoptr (CoapUdp6Message) answer = ask (f, CON_GET ("20") HELLO);

        g_assert_false (coap_udp6_message_has_option (answer, COAP_UDP6_OPTION_MAX_AGE));
        g_assert_false (coap_udp6_message_get_max_age (answer, NULL));
        g_assert_cmpuint (coap_udp6_message_get_effective_max_age (answer), ==, 60);
}

/* RFC 8613 is not implemented: OSCORE is an unrecognised critical option
 * (4.02 for a CON, RST for a NON), never read as plain. Block1 and Block2
 * (RFC 7959) are processed; test-blockwise has their rules. */
static void
test_unprocessed (Fixture      *f,
                  gconstpointer data)
{
        g_autofree char *got = NULL;

        /* Block2 0/0/1024 for a small resource: answered. */
        assert_code (f, CON_GET ("21") HELLO "c1 06", COAP_UDP6_CODE_CONTENT);
        /* Block1 0/1/1024 with a 3-byte block: a block with M set fills its size. */
        assert_code (f, "40 03 12 22 " ECHO "d1 03 0e ff 616263", COAP_UDP6_CODE_BAD_REQUEST);
        /* OSCORE (9), empty. */
        assert_code (f, CON_GET ("23") "90 25 68656c6c6f", COAP_UDP6_CODE_BAD_OPTION);
        got = exchange (f, "50 01 12 24 90 25 68656c6c6f", 2000);
        g_assert_cmpstr (got, ==, "70001224");
        g_assert_cmpuint (f->hello->calls, ==, 1);
        g_assert_cmpuint (f->echo->calls, ==, 0);
}

/* §5.8, §12.1.1: an unknown method code (0.08, 0.31) gets 4.05. */
static void
test_unknown_method (Fixture      *f,
                     gconstpointer data)
{
        assert_code (f, "40 08 12 25 " HELLO, COAP_UDP6_CODE_METHOD_NOT_ALLOWED);
        assert_code (f, "40 1f 12 26 " HELLO, COAP_UDP6_CODE_METHOD_NOT_ALLOWED);
        g_assert_cmpuint (f->hello->calls, ==, 0);
}

/* §4.1, §4.2: an empty message with a token or a payload is a format
 * error; a CON one is rejected with an RST. */
static void
test_empty_format_error (Fixture      *f,
                         gconstpointer data)
{
        g_autofree char *got = exchange (f, "41 00 12 27 aa", 2000);

        g_assert_cmpstr (got, ==, "70001227");
        g_clear_pointer (&got, g_free);
        got = exchange (f, "40 00 12 28 ff 01", 2000);
        g_assert_cmpstr (got, ==, "70001228");
}

/* RFC 6690 §4: /.well-known/core answers GET only (4.05 otherwise). */
static void
test_well_known_methods (Fixture      *f,
                         gconstpointer data)
{
        for (guint method = COAP_UDP6_CODE_POST; method <= COAP_UDP6_CODE_IPATCH; method++) {
                g_autofree char *hex = g_strdup_printf ("40 %02x 13 %02x bb 2e77656c6c2d6b6e6f776e 04 636f7265",
                                                        method, method);

                assert_code (f, hex, COAP_UDP6_CODE_METHOD_NOT_ALLOWED);
        }
}

/* RFC 6690 §4.1: the document a filter-query (Uri-Query @query_hex, its
 * option header included) selects, or NULL for 4.04. */
static char *
discover (Fixture    *f,
          guint       mid,
          const char *query_hex)
{
        g_autofree char *hex = g_strdup_printf ("40 01 14 %02x bb 2e77656c6c2d6b6e6f776e 04 636f7265 %s",
                                                mid, query_hex);
        g_autoptr (CoapUdp6Message) answer = ask (f, hex);

        guint content_format = 0;

        g_assert_true (coap_udp6_message_get_content_format (answer, &content_format));
        g_assert_cmpuint (content_format, ==, 40);
        if (coap_udp6_message_get_code (answer) == COAP_UDP6_CODE_NOT_FOUND)
                return NULL;
        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTENT);
        return payload_text (answer);
}

/* Uri-Query @query as an option after Uri-Path (delta 4). */
static char *
query_option (const char *query)
{
        g_autoptr (GBytes) bytes = g_bytes_new (query, strlen (query));
        g_autofree char *value = test_hex_from_bytes (bytes);
        gsize len = strlen (query);

        g_assert_cmpuint (len, <, 269);
        if (len < 13)
                return g_strdup_printf ("4%x %s", (guint) len, value);
        return g_strdup_printf ("4d %02x %s", (guint) (len - 13), value);
}

static void
assert_discovers (Fixture    *f,
                  guint       mid,
                  const char *query,
                  const char *expected)
{
        g_autofree char *option = query_option (query);
        g_autofree char *got = discover (f, mid, option);

        g_assert_cmpstr (got, ==, expected);
}

#define HELLO_LINK "</hello>;rt=\"greeting x.hello\";if=\"core.s\";ct=0;title=\"Hello\""
#define ECHO_LINK "</echo>;ct=0;obs"

/* RFC 6690 §4.1: filtering by any link attribute and by href, with a
 * trailing "*" as a prefix match; nothing matching: 4.04. */
static void
test_link_filter (Fixture      *f,
                  gconstpointer data)
{
        g_autofree char *all = discover (f, 1, "");

        g_assert_cmpstr (all, ==, "</a%2Fb>,</a/b>," ECHO_LINK "," HELLO_LINK ",</plain>");
        assert_discovers (f, 2, "rt=x.hello", HELLO_LINK);
        assert_discovers (f, 3, "rt=greet*", HELLO_LINK);
        assert_discovers (f, 4, "rt=greeting", HELLO_LINK);
        assert_discovers (f, 5, "rt=greet", NULL);
        assert_discovers (f, 6, "if=core.s", HELLO_LINK);
        assert_discovers (f, 7, "title=Hel*", HELLO_LINK);
        assert_discovers (f, 8, "ct=0", ECHO_LINK "," HELLO_LINK);
        assert_discovers (f, 9, "href=/hello", HELLO_LINK);
        assert_discovers (f, 10, "href=/a*", "</a%2Fb>,</a/b>");
        assert_discovers (f, 11, "href=/a/b", "</a/b>");
        assert_discovers (f, 12, "href=*", "</a%2Fb>,</a/b>," ECHO_LINK "," HELLO_LINK ",</plain>");
        assert_discovers (f, 13, "obs=*", ECHO_LINK);
        assert_discovers (f, 14, "sz=1", NULL);
}

/* RFC 6690 §2: a target is a URI-reference. A path with a space and a
 * UTF-8 segment is percent-encoded in the link, the link resolves to a
 * URI whose Uri-Path options are those segments again, and a request
 * made from that URI reaches the resource. */
static void
test_link_target_encoded (Fixture      *f,
                          gconstpointer data)
{
        G_GNUC_UNUSED g_autoptr (TestResource) resource = add (f, "temp sensor/\xc3\xa9t\xc3\xa9<1>", "summer");
        g_autoptr (GPtrArray) links = NULL;
        g_autoptr (CoapUdp6Message) request = coap_udp6_message_new (COAP_UDP6_MESSAGE_TYPE_CON, COAP_UDP6_CODE_GET);
        g_autoptr (CoapUdp6Message) answer = NULL;
        g_autoptr (GBytes) encoded = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *found = NULL;
        g_autofree char *uri = NULL;
        g_autofree char *hex = NULL;
        g_autofree char *text = NULL;
        g_auto (GStrv) path = NULL;

        found = discover (f, 1, "");
        g_assert_nonnull (strstr (found, "</temp%20sensor/%C3%A9t%C3%A9%3C1%3E>"));
        links = coap_udp6_link_format_parse (found, "coap://[::1]/.well-known/core", &error);
        g_assert_no_error (error);
        for (guint i = 0; i < links->len; i++)
                if (g_str_has_prefix (coap_udp6_link_get_target (g_ptr_array_index (links, i)), "/temp"))
                        uri = g_strdup (coap_udp6_link_get_uri (g_ptr_array_index (links, i)));
        g_assert_cmpstr (uri, ==, "coap://[::1]/temp%20sensor/%C3%A9t%C3%A9%3C1%3E");
        coap_udp6_message_set_request_uri (request, uri, &error);
        g_assert_no_error (error);
        path = coap_udp6_message_get_uri_path (request);
        g_assert_cmpuint (g_strv_length (path), ==, 2);
        g_assert_cmpstr (path[0], ==, "temp sensor");
        g_assert_cmpstr (path[1], ==, "\xc3\xa9t\xc3\xa9<1>");
        coap_udp6_message_set_mid (request, 0x1299);
        encoded = coap_udp6_message_encode (request, &error);
        g_assert_no_error (error);
        hex = test_hex_from_bytes (encoded);
        answer = ask (f, hex);
        text = payload_text (answer);
        g_assert_cmpuint (coap_udp6_message_get_code (answer), ==, COAP_UDP6_CODE_CONTENT);
        g_assert_cmpstr (text, ==, "summer");
        assert_discovers (f, 2, "href=/temp%20*", "</temp%20sensor/%C3%A9t%C3%A9%3C1%3E>");
}

int
main (int    argc,
      char **argv)
{
        test_init (&argc, &argv);
        if (!test_have_ipv6 ()) {
                g_test_skip ("no IPv6 loopback");
                return 0;
        }
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
        ADD ("/rfc7252/4.1/empty-format-error-rst", test_empty_format_error);
        ADD ("/rfc6690/2/link-target-encoded", test_link_target_encoded);
        ADD ("/rfc7252/5.4.1/con-critical-402", test_critical_con);
        ADD ("/rfc7252/5.4.1/non-critical-rst", test_critical_non);
        ADD ("/rfc7252/5.4.1/elective-ignored", test_elective_ignored);
        ADD ("/rfc7252/5.4.1/oscore-402", test_unprocessed);
        ADD ("/rfc7252/5.4.3/length-out-of-range", test_length_out_of_range);
        ADD ("/rfc7252/5.4.5/repeated-critical-402", test_repeated_critical);
        ADD ("/rfc7252/5.8/unknown-method-405", test_unknown_method);
        ADD ("/rfc7252/5.10.1/uri-host-port-ignored", test_uri_host_port);
        ADD ("/rfc7252/5.10.1/uri-path-segments", test_uri_path_segments);
        ADD ("/rfc7252/5.10.2/proxy-505", test_proxy);
        ADD ("/rfc7252/5.10.4/accept-406", test_accept);
        ADD ("/rfc7252/5.10.4/accept-well-known-406", test_accept_well_known);
        ADD ("/rfc7252/5.10.5/max-age-default", test_max_age_default);
        ADD ("/rfc7252/5.10.6/etag-in-response", test_etag_in_response);
        ADD ("/rfc7252/5.10.8.1/if-match-412", test_if_match);
        ADD ("/rfc7252/5.10.8.1/if-match-unsupported-402", test_if_match_unsupported);
        ADD ("/rfc7252/5.10.8.2/if-none-match-412", test_if_none_match);
        ADD ("/rfc6690/4/well-known-methods-405", test_well_known_methods);
        ADD ("/rfc6690/4.1/filter", test_link_filter);
#undef ADD
        return g_test_run ();
}
