/* test-relay.c: a lossy UDP relay for loss tests, counting DTLS handshakes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-relay.h"

/* A DTLS 1.2 record header (13 bytes), a handshake header (12 bytes),
 * client_version (2 bytes), then the 32-byte client random. */
#define RECORD_HEADER 13
#define HANDSHAKE_HEADER 12
#define CLIENT_RANDOM_OFFSET (RECORD_HEADER + HANDSHAKE_HEADER + 2)
#define CLIENT_RANDOM_SIZE 32

struct _TestRelay {
        GSocket *front;           /* (owned) clients talk to this */
        GSocket *back;            /* (owned) talks to the target */
        GSource *front_source;    /* (owned) */
        GSource *back_source;     /* (owned) */
        GSocketAddress *target;   /* (owned) */
        GSocketAddress *client;   /* (owned) (nullable) last sender */
        GInetSocketAddress *address; /* (owned) */
        GRand *rand;              /* (owned) */
        GHashTable *client_randoms; /* (owned) GBytes set */
        double loss;
        guint forwarded;
        guint dropped;
};

static GSocket *
bound_socket (void)
{
        g_autoptr (GError) error = NULL;
        g_autoptr (GInetAddress) loopback =
                g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
        g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
        g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV6,
                                                 G_SOCKET_TYPE_DATAGRAM,
                                                 G_SOCKET_PROTOCOL_UDP,
                                                 &error);

        g_assert_no_error (error);
        g_socket_set_blocking (sock, FALSE);
        g_socket_bind (sock, any, FALSE, &error);
        g_assert_no_error (error);

        return g_steal_pointer (&sock);
}

/* Remembers the client random of a ClientHello (content type 22, epoch
 * 0, handshake type 1, first fragment). */
static void
note_client_hello (TestRelay    *relay,
                   const guint8 *data,
                   gsize         length)
{
        if (length < CLIENT_RANDOM_OFFSET + CLIENT_RANDOM_SIZE ||
            data[0] != 22 || data[3] != 0 || data[4] != 0 ||
            data[RECORD_HEADER] != 1 ||
            data[RECORD_HEADER + 6] != 0 || data[RECORD_HEADER + 7] != 0 ||
            data[RECORD_HEADER + 8] != 0)
                return;
        g_hash_table_add (relay->client_randoms,
                          g_bytes_new (data + CLIENT_RANDOM_OFFSET, CLIENT_RANDOM_SIZE));
}

/* Moves every pending datagram from @from to @to_address through @to. */
static void
relay_pending (TestRelay      *relay,
               GSocket        *from,
               GSocket        *to,
               GSocketAddress *to_address,
               gboolean        remember_sender)
{
        guint8 buffer[65536];

        for (;;) {
                g_autoptr (GSocketAddress) sender = NULL;
                gssize n = g_socket_receive_from (from, &sender, (char *) buffer,
                                                  sizeof buffer, NULL, NULL);

                if (n < 0)
                        return;
                if (remember_sender) {
                        g_set_object (&relay->client, sender);
                        note_client_hello (relay, buffer, n);
                }
                if (to_address == NULL ||
                    g_rand_double (relay->rand) < relay->loss) {
                        relay->dropped++;
                        continue;
                }
                relay->forwarded++;
                g_socket_send_to (to, to_address, (const char *) buffer, n,
                                  NULL, NULL);
        }
}

static gboolean
on_front_readable (GSocket *sock, GIOCondition condition, gpointer user_data)
{
        TestRelay *relay = user_data;

        relay_pending (relay, relay->front, relay->back, relay->target, TRUE);
        return G_SOURCE_CONTINUE;
}

static gboolean
on_back_readable (GSocket *sock, GIOCondition condition, gpointer user_data)
{
        TestRelay *relay = user_data;

        relay_pending (relay, relay->back, relay->front, relay->client,
                       FALSE);
        return G_SOURCE_CONTINUE;
}

static GSource *
watch (GSocket *sock, GMainContext *context, GSocketSourceFunc func,
       TestRelay *relay)
{
        GSource *source = g_socket_create_source (sock, G_IO_IN, NULL);

        g_source_set_callback (source, (GSourceFunc) (void (*) (void)) func,
                               relay, NULL);
        g_source_set_static_name (source, "test relay");
        g_source_attach (source, context);
        return source;
}

TestRelay *
test_relay_new (GMainContext   *context,
                GSocketAddress *target,
                double          loss,
                guint32         seed)
{
        TestRelay *relay = g_new0 (TestRelay, 1);

        relay->front = bound_socket ();
        relay->back = bound_socket ();
        relay->target = g_object_ref (target);
        relay->rand = g_rand_new_with_seed (seed);
        relay->loss = loss;
        relay->client_randoms = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                       (GDestroyNotify) g_bytes_unref, NULL);
        relay->address = G_INET_SOCKET_ADDRESS (
                g_socket_get_local_address (relay->front, NULL));
        relay->front_source = watch (relay->front, context,
                                     on_front_readable, relay);
        relay->back_source = watch (relay->back, context,
                                    on_back_readable, relay);

        return relay;
}

GInetSocketAddress *
test_relay_get_address (TestRelay *relay)
{
        return relay->address;
}

guint
test_relay_get_forwarded (TestRelay *relay)
{
        return relay->forwarded;
}

guint
test_relay_get_dropped (TestRelay *relay)
{
        return relay->dropped;
}

guint
test_relay_get_client_hellos (TestRelay *relay)
{
        return g_hash_table_size (relay->client_randoms);
}

void
test_relay_free (TestRelay *relay)
{
        g_source_destroy (relay->front_source);
        g_source_unref (relay->front_source);
        g_source_destroy (relay->back_source);
        g_source_unref (relay->back_source);
        g_object_unref (relay->front);
        g_object_unref (relay->back);
        g_object_unref (relay->target);
        g_clear_object (&relay->client);
        g_object_unref (relay->address);
        g_rand_free (relay->rand);
        g_hash_table_unref (relay->client_randoms);
        g_free (relay);
}
