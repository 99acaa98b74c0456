/* coap-udp6-endpoint-address.c: a remote of the udp6 transport
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "coap-udp6-endpoint-address.h"
#include "coap-udp6-error.h"
#include "coap-udp6-endpoint-address-private.h"
#include "coap-udp6-message-interface.h"

#include <arpa/inet.h>
#include <string.h>

#define COAP_PORT 5683
#define COAPS_PORT 5684

/**
 * CoapUdp6EndpointAddress:
 *
 * The remote of a message on the udp6 transport: the peer's socket
 * address, the [class@MessageInterface] it belongs to (held weakly) and,
 * for received messages, the [struct@Pktinfo] saying which local address
 * and interface the message arrived at, so a response leaves from there.
 *
 * IPv4 peers are kept as IPv4-mapped IPv6 addresses and shown as dotted
 * quads. Two addresses are [method@EndpointAddress.equal] when their address
 * and port agree; the pktinfo and the scope id are not compared.
 *
 * Apart from [property@EndpointAddress:maximum-block-size-exp], which can
 * only be lowered, the object is immutable.
 *
 * Since: 1.0
 */
struct _CoapUdp6EndpointAddress {
        GObject              parent_instance;

        GInetSocketAddress  *sockaddr;  /* (owned) (nullable): made from native on demand */
        struct sockaddr_in6  native;
        CoapUdp6InterfaceAnchor *anchor; /* (owned) (nullable) */
        CoapUdp6Pktinfo     *pktinfo;   /* (owned) (nullable) */
        char                *peer_identity; /* (owned) (nullable): coaps only */
        char                *host_name;     /* (owned) (nullable): coaps, resolved from a name */
        guint                maximum_block_size_exp;
        guint                hash;      /* 0 until first asked; the object is immutable */
};

G_DEFINE_FINAL_TYPE (CoapUdp6EndpointAddress, coap_udp6_endpoint_address,
                     G_TYPE_OBJECT)

enum {
        PROP_0,
        PROP_SOCKADDR,
        PROP_INTERFACE,
        PROP_PKTINFO,
        PROP_SCHEME,
        PROP_PEER_IDENTITY,
        PROP_HOSTINFO,
        PROP_NETIF,
        PROP_IS_MULTICAST,
        PROP_IS_MULTICAST_LOCALLY,
        PROP_MAXIMUM_BLOCK_SIZE_EXP,
        N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
coap_udp6_endpoint_address_finalize (GObject *object)
{
        CoapUdp6EndpointAddress *self = COAP_UDP6_ENDPOINT_ADDRESS (object);

        g_clear_object (&self->sockaddr);
        g_clear_pointer (&self->anchor, g_rc_box_release);
        g_clear_pointer (&self->pktinfo, coap_udp6_pktinfo_free);
        g_free (self->peer_identity);
        g_free (self->host_name);

        G_OBJECT_CLASS (coap_udp6_endpoint_address_parent_class)->finalize (object);
}

static void
coap_udp6_endpoint_address_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
        CoapUdp6EndpointAddress *self = COAP_UDP6_ENDPOINT_ADDRESS (object);

        switch (prop_id) {
        case PROP_SOCKADDR:
                g_value_set_object (value, coap_udp6_endpoint_address_get_sockaddr (self));
                break;
        case PROP_INTERFACE:
                g_value_take_object (value, coap_udp6_endpoint_address_get_interface (self));
                break;
        case PROP_PKTINFO:
                g_value_set_boxed (value, self->pktinfo);
                break;
        case PROP_SCHEME:
                g_value_set_string (value, coap_udp6_endpoint_address_get_scheme (self));
                break;
        case PROP_PEER_IDENTITY:
                g_value_set_string (value, self->peer_identity);
                break;
        case PROP_HOSTINFO:
                g_value_take_string (value,
                                     coap_udp6_endpoint_address_get_hostinfo (self));
                break;
        case PROP_NETIF:
                g_value_take_string (value,
                                     coap_udp6_endpoint_address_get_netif (self));
                break;
        case PROP_IS_MULTICAST:
                g_value_set_boolean (value,
                                     coap_udp6_endpoint_address_is_multicast (self));
                break;
        case PROP_IS_MULTICAST_LOCALLY:
                g_value_set_boolean (value,
                                     coap_udp6_endpoint_address_is_multicast_locally (self));
                break;
        case PROP_MAXIMUM_BLOCK_SIZE_EXP:
                g_value_set_uint (value, self->maximum_block_size_exp);
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_endpoint_address_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
        CoapUdp6EndpointAddress *self = COAP_UDP6_ENDPOINT_ADDRESS (object);

        switch (prop_id) {
        case PROP_SOCKADDR:
                if (g_value_get_object (value) == NULL)
                        break;
                /* g_object_new (G_TYPE_INET_SOCKET_ADDRESS, NULL) has none. */
                g_return_if_fail (g_inet_socket_address_get_address (g_value_get_object (value)) != NULL);
                self->sockaddr = coap_udp6_sockaddr_normalize (g_value_get_object (value));
                coap_udp6_sockaddr_to_native (self->sockaddr, &self->native);
                break;
        case PROP_INTERFACE:
                if (g_value_get_object (value) != NULL)
                        self->anchor = g_rc_box_acquire (coap_udp6_message_interface_peek_anchor (g_value_get_object (value)));
                break;
        case PROP_PKTINFO:
                self->pktinfo = g_value_dup_boxed (value);
                break;
        case PROP_MAXIMUM_BLOCK_SIZE_EXP:
                coap_udp6_endpoint_address_set_maximum_block_size_exp (self,
                                                                       g_value_get_uint (value));
                break;
        default:
                G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        }
}

static void
coap_udp6_endpoint_address_class_init (CoapUdp6EndpointAddressClass *klass)
{
        GObjectClass *object_class = G_OBJECT_CLASS (klass);
        GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS |
                         G_PARAM_EXPLICIT_NOTIFY;
        GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

        object_class->finalize = coap_udp6_endpoint_address_finalize;
        object_class->get_property = coap_udp6_endpoint_address_get_property;
        object_class->set_property = coap_udp6_endpoint_address_set_property;

        /**
         * CoapUdp6EndpointAddress:sockaddr: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_get_sockaddr)
         *
         * The peer's socket address; IPv4 addresses are stored IPv4-mapped.
         *
         * Since: 1.0
         */
        properties[PROP_SOCKADDR] = g_param_spec_object ("sockaddr", NULL, NULL,
                G_TYPE_INET_SOCKET_ADDRESS, co);
        /**
         * CoapUdp6EndpointAddress:interface: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_get_interface)
         *
         * The message interface this address belongs to (held weakly).
         *
         * Since: 1.0
         */
        properties[PROP_INTERFACE] = g_param_spec_object ("interface", NULL, NULL,
                COAP_UDP6_TYPE_MESSAGE_INTERFACE, co);
        /**
         * CoapUdp6EndpointAddress:pktinfo: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_get_pktinfo)
         *
         * The local address and interface, when known.
         *
         * Since: 1.0
         */
        properties[PROP_PKTINFO] = g_param_spec_boxed ("pktinfo", NULL, NULL,
                COAP_UDP6_TYPE_PKTINFO, co);
        /**
         * CoapUdp6EndpointAddress:scheme: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_get_scheme)
         *
         * The URI scheme: "coap", or "coaps" for a peer of a DTLS
         * [class@MessageInterface].
         *
         * Since: 1.0
         */
        properties[PROP_SCHEME] = g_param_spec_string ("scheme", NULL, NULL,
                "coap", ro);
        /**
         * CoapUdp6EndpointAddress:peer-identity: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_get_peer_identity)
         *
         * What the peer proved in its DTLS handshake: the PSK identity it
         * used, the name of its raw public key (`ni:///sha-256;…`, see
         * [method@Credentials.get_raw_public_key_identity]), or the subject
         * of its certificate when that was checked against the trusted
         * authorities; %NULL otherwise (and always on `coap`).
         *
         * Since: 1.0
         */
        properties[PROP_PEER_IDENTITY] = g_param_spec_string ("peer-identity", NULL, NULL,
                NULL, ro);
        /**
         * CoapUdp6EndpointAddress:hostinfo: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_get_hostinfo)
         *
         * The authority of URIs addressed to the peer.
         *
         * Since: 1.0
         */
        properties[PROP_HOSTINFO] = g_param_spec_string ("hostinfo", NULL, NULL,
                NULL, ro);
        /**
         * CoapUdp6EndpointAddress:netif: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_get_netif)
         *
         * The name of the interface of the scope id, or %NULL.
         *
         * Since: 1.0
         */
        properties[PROP_NETIF] = g_param_spec_string ("netif", NULL, NULL,
                NULL, ro);
        /**
         * CoapUdp6EndpointAddress:is-multicast: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_is_multicast)
         *
         * Whether the peer address is a multicast group.
         *
         * Since: 1.0
         */
        properties[PROP_IS_MULTICAST] = g_param_spec_boolean ("is-multicast",
                NULL, NULL, FALSE, ro);
        /**
         * CoapUdp6EndpointAddress:is-multicast-locally: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_is_multicast_locally)
         *
         * Whether the local address (the pktinfo) is a multicast group.
         *
         * Since: 1.0
         */
        properties[PROP_IS_MULTICAST_LOCALLY] = g_param_spec_boolean (
                "is-multicast-locally", NULL, NULL, FALSE, ro);
        /**
         * CoapUdp6EndpointAddress:maximum-block-size-exp: (attributes org.gtk.Property.get=coap_udp6_endpoint_address_get_maximum_block_size_exp org.gtk.Property.set=coap_udp6_endpoint_address_set_maximum_block_size_exp)
         *
         * The largest block size exponent (SZX, RFC 7959) to use with the
         * peer; it can only be lowered. Nothing in the library reads it:
         * block-wise transfers use [property@Context:block-size].
         *
         * Since: 1.0
         */
        properties[PROP_MAXIMUM_BLOCK_SIZE_EXP] = g_param_spec_uint (
                "maximum-block-size-exp", NULL, NULL, 0, 6, 6,
                G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                G_PARAM_EXPLICIT_NOTIFY);

        g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
coap_udp6_endpoint_address_init (CoapUdp6EndpointAddress *self)
{
        self->native.sin6_family = AF_INET6;
        self->maximum_block_size_exp = 6;
}

/**
 * coap_udp6_endpoint_address_new:
 * @sockaddr: the peer's socket address (IPv4 is converted to IPv4-mapped)
 * @interface: (nullable): the message interface, held weakly
 * @pktinfo: (nullable): the local address and interface
 *
 * Creates an endpoint address.
 *
 * Returns: (transfer full): a new address
 *
 * Since: 1.0
 */
CoapUdp6EndpointAddress *
coap_udp6_endpoint_address_new (GInetSocketAddress       *sockaddr,
                                CoapUdp6MessageInterface *interface,
                                CoapUdp6Pktinfo          *pktinfo)
{
        g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (sockaddr), NULL);
        g_return_val_if_fail (g_inet_socket_address_get_address (sockaddr) != NULL, NULL);
        g_return_val_if_fail (interface == NULL ||
                              COAP_UDP6_IS_MESSAGE_INTERFACE (interface), NULL);

        return g_object_new (COAP_UDP6_TYPE_ENDPOINT_ADDRESS,
                             "sockaddr", sockaddr,
                             "interface", interface,
                             "pktinfo", pktinfo,
                             NULL);
}

/**
 * coap_udp6_endpoint_address_get_sockaddr: (attributes org.gtk.Method.get_property=sockaddr)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets the peer's socket address (IPv6; IPv4 peers IPv4-mapped).
 *
 * Returns: (transfer none): the socket address
 *
 * Since: 1.0
 */
GInetSocketAddress *
coap_udp6_endpoint_address_get_sockaddr (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);

        if (self->sockaddr == NULL)
                self->sockaddr = coap_udp6_sockaddr_from_native (&self->native);
        return self->sockaddr;
}

CoapUdp6EndpointAddress *
coap_udp6_endpoint_address_new_native (const struct sockaddr_in6 *sin6,
                                       CoapUdp6InterfaceAnchor   *anchor,
                                       CoapUdp6Pktinfo           *pktinfo)
{
        CoapUdp6EndpointAddress *self = g_object_new (COAP_UDP6_TYPE_ENDPOINT_ADDRESS, NULL);

        self->native = *sin6;
        self->anchor = anchor != NULL ? g_rc_box_acquire (anchor) : NULL;
        self->pktinfo = pktinfo;
        return self;
}

/**
 * coap_udp6_endpoint_address_get_interface: (attributes org.gtk.Method.get_property=interface)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets the message interface, if it still exists.
 *
 * Returns: (transfer full) (nullable): the message interface
 *
 * Since: 1.0
 */
CoapUdp6MessageInterface *
coap_udp6_endpoint_address_get_interface (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);

        if (self->anchor == NULL || self->anchor->iface == NULL)
                return NULL;
        return g_object_ref (self->anchor->iface);
}

/* Like coap_udp6_endpoint_address_get_interface(), without a reference. */
CoapUdp6MessageInterface *
coap_udp6_endpoint_address_peek_interface (CoapUdp6EndpointAddress *self)
{
        return self->anchor != NULL ? self->anchor->iface : NULL;
}

/**
 * coap_udp6_endpoint_address_get_pktinfo: (attributes org.gtk.Method.get_property=pktinfo)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets the local address and interface.
 *
 * Returns: (transfer none) (nullable): the pktinfo
 *
 * Since: 1.0
 */
CoapUdp6Pktinfo *
coap_udp6_endpoint_address_get_pktinfo (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);
        return self->pktinfo;
}

/**
 * coap_udp6_endpoint_address_get_scheme: (attributes org.gtk.Method.get_property=scheme)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets the URI scheme.
 *
 * Returns: "coap", or "coaps" for a peer of a DTLS message interface
 *
 * Since: 1.0
 */
const char *
coap_udp6_endpoint_address_get_scheme (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);
        return self->anchor != NULL && self->anchor->secure ? "coaps" : "coap";
}

/**
 * coap_udp6_endpoint_address_get_peer_identity: (attributes org.gtk.Method.get_property=peer-identity)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets what the peer proved in its DTLS handshake: a server sees the PSK
 * identity of the client, the `ni:///sha-256;…` name of its raw public key
 * (RFC 7250; a client sees the server's too), or the subject of its
 * certificate when the server trusts its issuer. A request handler reads
 * it from
 * [method@Request.get_remote].
 *
 * Returns: (nullable): the identity, or %NULL for an unauthenticated peer
 *
 * Since: 1.0
 */
const char *
coap_udp6_endpoint_address_get_peer_identity (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);
        return self->peer_identity;
}

CoapUdp6EndpointAddress *
coap_udp6_endpoint_address_new_authenticated (CoapUdp6EndpointAddress *transport,
                                              const char              *identity)
{
        CoapUdp6EndpointAddress *self;

        self = coap_udp6_endpoint_address_new_native (&transport->native, transport->anchor,
                                                      transport->pktinfo != NULL
                                                              ? coap_udp6_pktinfo_copy (transport->pktinfo)
                                                              : NULL);
        self->peer_identity = g_strdup (identity);
        return self;
}

static guint
default_port (CoapUdp6EndpointAddress *self)
{
        return self->anchor != NULL && self->anchor->secure ? COAPS_PORT : COAP_PORT;
}

static char *
hostport_join (const struct in6_addr *addr,
               guint32                scope,
               guint                  port,
               guint                  default_port)
{
        g_autofree char *host = coap_udp6_format_in6 (addr, scope);
        g_autofree char *bracketed = NULL;

        if (!IN6_IS_ADDR_V4MAPPED (addr))
                host = g_strdup_printf ("[%s]", (bracketed = host));
        if (port == default_port)
                return g_steal_pointer (&host);
        return g_strdup_printf ("%s:%u", host, port);
}

/**
 * coap_udp6_endpoint_address_get_hostinfo: (attributes org.gtk.Method.get_property=hostinfo)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets the authority of URIs addressed to the peer: `127.0.0.1`,
 * `[ff05::fd]:1234`, `[ff02::fd%lo]:1234` (port 5683 is left out).
 *
 * Returns: (transfer full): the host and port
 *
 * Since: 1.0
 */
char *
coap_udp6_endpoint_address_get_hostinfo (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);

        return hostport_join (&self->native.sin6_addr,
                              self->native.sin6_scope_id,
                              g_ntohs (self->native.sin6_port),
                              default_port (self));
}

/**
 * coap_udp6_endpoint_address_get_netif: (attributes org.gtk.Method.get_property=netif)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets the name of the interface in the address's scope id (set
 * explicitly, or reported for an incoming link-local message).
 *
 * Returns: (transfer full) (nullable): the interface name, numeric when
 *   the index has no name, or %NULL without a scope id
 *
 * Since: 1.0
 */
char *
coap_udp6_endpoint_address_get_netif (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);

        if (self->native.sin6_scope_id == 0)
                return NULL;
        return coap_udp6_format_ifname (self->native.sin6_scope_id);
}

/**
 * coap_udp6_endpoint_address_is_multicast: (attributes org.gtk.Method.get_property=is-multicast)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Whether the peer address is a multicast group (IPv6, or IPv4-mapped
 * such as `::ffff:224.0.1.187`).
 *
 * Returns: %TRUE for multicast
 *
 * Since: 1.0
 */
gboolean
coap_udp6_endpoint_address_is_multicast (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), FALSE);
        return coap_udp6_in6_is_multicast (&self->native.sin6_addr);
}

/**
 * coap_udp6_endpoint_address_is_multicast_locally: (attributes org.gtk.Method.get_property=is-multicast-locally)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Whether the local address (the pktinfo a message arrived with) is a
 * multicast group.
 *
 * Returns: %TRUE when a message was received on a multicast group
 *
 * Since: 1.0
 */
gboolean
coap_udp6_endpoint_address_is_multicast_locally (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), FALSE);
        return self->pktinfo != NULL && coap_udp6_pktinfo_is_multicast (self->pktinfo);
}

/* A hostinfo's zone ("[fe80::1%eth0]") is written "%25eth0" in a URI
 * (RFC 6874 §2), with anything but unreserved characters escaped. */
static char *
uri_of_hostinfo (const char *scheme,
                 const char *hostinfo)
{
        const char *zone = strchr (hostinfo, '%');
        const char *end;
        g_autofree char *zone_id = NULL;
        g_autofree char *escaped = NULL;

        if (zone == NULL)
                return g_strconcat (scheme, "://", hostinfo, NULL);
        end = strchr (zone, ']');
        g_assert (end != NULL);
        zone_id = g_strndup (zone + 1, end - zone - 1);
        escaped = g_uri_escape_string (zone_id, NULL, FALSE);
        return g_strdup_printf ("%s://%.*s%%25%s%s", scheme, (int) (zone - hostinfo), hostinfo,
                                escaped, end);
}

/**
 * coap_udp6_endpoint_address_get_uri:
 * @self: a #CoapUdp6EndpointAddress
 * @error: return location for a #GError
 *
 * Gets the base URI of the peer (`coap://` or `coaps://` and the hostinfo).
 * The zone of a link-local address is escaped as RFC 6874 §2 writes it in
 * a URI: `coap://[fe80::1%25eth0]`, where the hostinfo is `[fe80::1%eth0]`.
 *
 * Returns: (transfer full) (nullable): the URI, or %NULL with
 *   %COAP_UDP6_ERROR_ANONYMOUS_HOST when the peer has no usable address
 *   (unspecified address or port 0)
 *
 * Since: 1.0
 */
char *
coap_udp6_endpoint_address_get_uri (CoapUdp6EndpointAddress *self,
                                    GError                 **error)
{
        g_autofree char *hostinfo = NULL;
        const struct in6_addr *addr;

        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);
        g_return_val_if_fail (error == NULL || *error == NULL, NULL);

        addr = &self->native.sin6_addr;
        hostinfo = coap_udp6_endpoint_address_get_hostinfo (self);
        if (IN6_IS_ADDR_UNSPECIFIED (addr) || self->native.sin6_port == 0 ||
            (IN6_IS_ADDR_V4MAPPED (addr) && addr->s6_addr32[3] == 0)) {
                g_set_error (error, COAP_UDP6_ERROR,
                             COAP_UDP6_ERROR_ANONYMOUS_HOST,
                             "%s cannot be expressed in a URI", hostinfo);
                return NULL;
        }
        return uri_of_hostinfo (coap_udp6_endpoint_address_get_scheme (self), hostinfo);
}

/**
 * coap_udp6_endpoint_address_get_hostinfo_local:
 * @self: a #CoapUdp6EndpointAddress
 * @error: return location for a #GError
 *
 * Gets the authority of URIs the peer addressed to us: the local address
 * from the pktinfo and the local port of the message interface.
 *
 * Returns: (transfer full) (nullable): the host and port, or %NULL with
 *   %COAP_UDP6_ERROR_ANONYMOUS_HOST when there is no pktinfo or it only
 *   names an interface, or %COAP_UDP6_ERROR_FAILED when the message
 *   interface is gone or not bound
 *
 * Since: 1.0
 */
char *
coap_udp6_endpoint_address_get_hostinfo_local (CoapUdp6EndpointAddress *self,
                                               GError                 **error)
{
        g_autoptr (CoapUdp6MessageInterface) interface = NULL;
        const CoapUdp6RawPktinfo *raw;
        guint port;

        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);
        g_return_val_if_fail (error == NULL || *error == NULL, NULL);

        raw = self->pktinfo ? coap_udp6_pktinfo_peek (self->pktinfo) : NULL;
        if (raw == NULL || IN6_IS_ADDR_UNSPECIFIED (&raw->addr) ||
            (IN6_IS_ADDR_V4MAPPED (&raw->addr) && raw->addr.s6_addr32[3] == 0)) {
                g_set_error_literal (error, COAP_UDP6_ERROR,
                                     COAP_UDP6_ERROR_ANONYMOUS_HOST,
                                     "The local address is not known");
                return NULL;
        }
        interface = coap_udp6_endpoint_address_get_interface (self);
        port = interface ? coap_udp6_message_interface_get_local_port (interface) : 0;
        if (port == 0) {
                g_set_error_literal (error, COAP_UDP6_ERROR,
                                     COAP_UDP6_ERROR_FAILED,
                                     "The local port is not known (no bound "
                                     "message interface)");
                return NULL;
        }
        return hostport_join (&raw->addr,
                              coap_udp6_in6_needs_scope (&raw->addr) ? raw->ifindex : 0,
                              port, default_port (self));
}

/**
 * coap_udp6_endpoint_address_get_uri_local:
 * @self: a #CoapUdp6EndpointAddress
 * @error: return location for a #GError
 *
 * Gets the base URI of the local side (`coap://` or `coaps://` and the local
 * hostinfo), with a zone escaped as in [method@EndpointAddress.get_uri].
 *
 * Returns: (transfer full) (nullable): the URI, or %NULL as for
 *   [method@EndpointAddress.get_hostinfo_local]
 *
 * Since: 1.0
 */
char *
coap_udp6_endpoint_address_get_uri_local (CoapUdp6EndpointAddress *self,
                                          GError                 **error)
{
        g_autofree char *hostinfo = NULL;

        hostinfo = coap_udp6_endpoint_address_get_hostinfo_local (self, error);
        if (hostinfo == NULL)
                return NULL;
        return uri_of_hostinfo (coap_udp6_endpoint_address_get_scheme (self), hostinfo);
}

/**
 * coap_udp6_endpoint_address_as_response_address:
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets the address to send a response to a message from @self to: @self,
 * or a copy without pktinfo when the message arrived on a multicast group
 * (a response cannot come from a group address).
 *
 * Returns: (transfer full): the response address
 *
 * Since: 1.0
 */
CoapUdp6EndpointAddress *
coap_udp6_endpoint_address_as_response_address (CoapUdp6EndpointAddress *self)
{
        CoapUdp6EndpointAddress *copy;

        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);

        if (!coap_udp6_endpoint_address_is_multicast_locally (self))
                return g_object_ref (self);
        copy = coap_udp6_endpoint_address_new_native (&self->native, self->anchor, NULL);
        copy->peer_identity = g_strdup (self->peer_identity);
        copy->maximum_block_size_exp = self->maximum_block_size_exp;
        return copy;
}

/**
 * coap_udp6_endpoint_address_get_blockwise_key:
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets a key that is the same only for remotes whose blocks may be
 * combined: the full socket address (with scope id) and the pktinfo.
 *
 * Returns: (transfer full): the key
 *
 * Since: 1.0
 */
char *
coap_udp6_endpoint_address_get_blockwise_key (CoapUdp6EndpointAddress *self)
{
        char text[INET6_ADDRSTRLEN];
        g_autofree char *local = NULL;

        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);

        inet_ntop (AF_INET6, &self->native.sin6_addr, text, sizeof text);
        if (self->pktinfo != NULL) {
                const CoapUdp6RawPktinfo *raw = coap_udp6_pktinfo_peek (self->pktinfo);
                char ltext[INET6_ADDRSTRLEN];

                inet_ntop (AF_INET6, &raw->addr, ltext, sizeof ltext);
                local = g_strdup_printf ("%s%%%u", ltext, raw->ifindex);
        }
        return g_strdup_printf ("[%s%%%u]:%u/%s", text,
                                self->native.sin6_scope_id,
                                g_ntohs (self->native.sin6_port),
                                local ? local : "-");
}

/**
 * coap_udp6_endpoint_address_get_maximum_block_size_exp: (attributes org.gtk.Method.get_property=maximum-block-size-exp)
 * @self: a #CoapUdp6EndpointAddress
 *
 * Gets the largest block size exponent to use with the peer.
 *
 * Returns: the exponent (0–6)
 *
 * Since: 1.0
 */
guint
coap_udp6_endpoint_address_get_maximum_block_size_exp (CoapUdp6EndpointAddress *self)
{
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), 6);
        return self->maximum_block_size_exp;
}

/**
 * coap_udp6_endpoint_address_set_maximum_block_size_exp: (attributes org.gtk.Method.set_property=maximum-block-size-exp)
 * @self: a #CoapUdp6EndpointAddress
 * @szx: the new exponent
 *
 * Lowers the largest block size exponent; larger values are ignored.
 *
 * Since: 1.0
 */
void
coap_udp6_endpoint_address_set_maximum_block_size_exp (CoapUdp6EndpointAddress *self,
                                                       guint                    szx)
{
        g_return_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self));

        if (szx >= self->maximum_block_size_exp)
                return;
        self->maximum_block_size_exp = szx;
        g_object_notify_by_pspec (G_OBJECT (self),
                                  properties[PROP_MAXIMUM_BLOCK_SIZE_EXP]);
}

/**
 * coap_udp6_endpoint_address_equal:
 * @a: (type CoapUdp6EndpointAddress): an address
 * @b: (type CoapUdp6EndpointAddress): another address
 *
 * Compares peer address and port; the pktinfo and the scope id are
 * ignored. Usable as a #GEqualFunc.
 *
 * Returns: %TRUE when both denote the same peer
 *
 * Since: 1.0
 */
gboolean
coap_udp6_endpoint_address_equal (gconstpointer a,
                                  gconstpointer b)
{
        const CoapUdp6EndpointAddress *x = a, *y = b;

        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS ((gpointer) a), FALSE);
        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS ((gpointer) b), FALSE);

        return x->native.sin6_port == y->native.sin6_port &&
               IN6_ARE_ADDR_EQUAL (&x->native.sin6_addr, &y->native.sin6_addr);
}

/**
 * coap_udp6_endpoint_address_hash:
 * @address: (type CoapUdp6EndpointAddress): an address
 *
 * Hashes what [method@EndpointAddress.equal] compares. Usable as a
 * #GHashFunc.
 *
 * Returns: the hash
 *
 * Since: 1.0
 */
guint
coap_udp6_endpoint_address_hash (gconstpointer address)
{
        CoapUdp6EndpointAddress *self = (CoapUdp6EndpointAddress *) address;
        guint h;

        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), 0);

        if (self->hash != 0)
                return self->hash;
        h = self->native.sin6_port;
        for (guint i = 0; i < 16; i++)
                h = h * 31 + self->native.sin6_addr.s6_addr[i];
        /* Every table hashes the same few remotes over and over. */
        self->hash = h != 0 ? h : 1;
        return self->hash;
}

/**
 * coap_udp6_endpoint_address_to_string:
 * @self: a #CoapUdp6EndpointAddress
 *
 * Formats the address for debugging, like
 * `<UDP6EndpointAddress [::1]:40000 (locally ::1%lo)>`.
 *
 * Returns: (transfer full): a string
 *
 * Since: 1.0
 */
char *
coap_udp6_endpoint_address_to_string (CoapUdp6EndpointAddress *self)
{
        g_autofree char *hostinfo = NULL;
        g_autofree char *local = NULL;

        g_return_val_if_fail (COAP_UDP6_IS_ENDPOINT_ADDRESS (self), NULL);

        hostinfo = coap_udp6_endpoint_address_get_hostinfo (self);
        if (self->pktinfo == NULL)
                return g_strdup_printf ("<UDP6EndpointAddress %s>", hostinfo);
        local = coap_udp6_pktinfo_to_string (self->pktinfo);
        return g_strdup_printf ("<UDP6EndpointAddress %s (locally %s)>",
                                hostinfo, local);
}

/* Exactly this peer (address, port, scope) seen at exactly this local
 * address: the test of the message interface's remote cache. */
gboolean
coap_udp6_endpoint_address_matches_native (CoapUdp6EndpointAddress   *self,
                                           const struct sockaddr_in6 *sin6,
                                           const CoapUdp6RawPktinfo  *pktinfo)
{
        if (self->native.sin6_port != sin6->sin6_port ||
            self->native.sin6_scope_id != sin6->sin6_scope_id ||
            !IN6_ARE_ADDR_EQUAL (&self->native.sin6_addr, &sin6->sin6_addr))
                return FALSE;
        if (pktinfo == NULL || self->pktinfo == NULL)
                return pktinfo == NULL && self->pktinfo == NULL;
        return memcmp (coap_udp6_pktinfo_peek (self->pktinfo), pktinfo, sizeof *pktinfo) == 0;
}

const struct sockaddr_in6 *
coap_udp6_endpoint_address_peek_native (CoapUdp6EndpointAddress *self)
{
        return &self->native;
}

CoapUdp6EndpointAddress *
coap_udp6_endpoint_address_new_named (const struct sockaddr_in6 *sin6,
                                      CoapUdp6InterfaceAnchor   *anchor,
                                      const char                *host_name)
{
        CoapUdp6EndpointAddress *self = coap_udp6_endpoint_address_new_native (sin6, anchor, NULL);

        self->host_name = g_strdup (host_name);
        return self;
}

const char *
coap_udp6_endpoint_address_peek_host_name (CoapUdp6EndpointAddress *self)
{
        return self->host_name;
}
