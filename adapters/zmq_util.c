/*
 * zmq_util.c - ZeroMQ socket helpers: sockets opened with bounded queues, a bounded LINGER, a send
 * timeout and ROUTER_MANDATORY; bind and connect behind the plain-socket rule; sends that report
 * EHOSTUNREACH and EAGAIN instead of blocking; receives that return the ZAP user-id; and a socket
 * monitor.
 *
 * Invariants: no socket leaves oms_zsock_open without finite HWMs, LINGER and send timeout, and a
 * ROUTER never without ROUTER_MANDATORY (libzmq PR #4665: mandatory without a timeout blocks on a
 * vanished peer; a timeout without mandatory drops silently). No plain socket is bound or
 * connected unless the caller allows plain sockets and the endpoint is local: a mistake in a
 * config file must not put unauthenticated order entry on a network interface.
 */
#include "adapters.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

void oms_zsock_opts_default(oms_zsock_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->sndhwm = OMS_ZMQ_HWM_DEFAULT;
    o->rcvhwm = OMS_ZMQ_HWM_DEFAULT;
    o->linger_ms = OMS_ZMQ_LINGER_DEFAULT_MS;
    o->sndtimeo_ms = OMS_ZMQ_SNDTIMEO_DEFAULT_MS;
}

static int set_int(void *sock, int opt, int v, const char *name)
{
    if (zmq_setsockopt(sock, opt, &v, sizeof v) != 0)
        return OMS_SET_ERR(-errno, "setting %s=%d: %s", name, v, zmq_strerror(errno));
    return 0;
}

int oms_zsock_open(void **out, void *zctx, int type, const oms_zsock_opts_t *o)
{
    oms_zsock_opts_t d;
    if (!o) {
        oms_zsock_opts_default(&d);
        o = &d;
    }
    if (o->sndhwm < 1 || o->rcvhwm < 1)
        return OMS_SET_ERR(-EINVAL, "socket options: high-water marks must be at least 1 "
                                    "(0 would mean unbounded)");
    if (o->linger_ms < 0 || o->linger_ms > OMS_ZMQ_LINGER_MAX_MS)
        return OMS_SET_ERR(-EINVAL, "socket options: linger %d ms is outside 0..%d", o->linger_ms,
                           OMS_ZMQ_LINGER_MAX_MS);
    if (o->sndtimeo_ms < 0 || o->sndtimeo_ms > OMS_ZMQ_SNDTIMEO_MAX_MS)
        return OMS_SET_ERR(-EINVAL, "socket options: send timeout %d ms is outside 0..%d",
                           o->sndtimeo_ms, OMS_ZMQ_SNDTIMEO_MAX_MS);
    size_t idlen = o->routing_id ? strlen(o->routing_id) : 0;
    if (o->routing_id && (idlen == 0 || idlen > 255))
        return OMS_SET_ERR(-EINVAL, "socket options: a routing id takes 1 to 255 bytes");

    void *s = zmq_socket(zctx, type);
    if (!s)
        return OMS_SET_ERR(-errno, "creating a ZeroMQ socket: %s", zmq_strerror(errno));
    int rc = set_int(s, ZMQ_SNDHWM, o->sndhwm, "ZMQ_SNDHWM");
    if (!rc)
        rc = set_int(s, ZMQ_RCVHWM, o->rcvhwm, "ZMQ_RCVHWM");
    if (!rc)
        rc = set_int(s, ZMQ_LINGER, o->linger_ms, "ZMQ_LINGER");
    if (!rc)
        rc = set_int(s, ZMQ_SNDTIMEO, o->sndtimeo_ms, "ZMQ_SNDTIMEO");
    if (!rc && type == ZMQ_ROUTER)
        rc = set_int(s, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY");
    if (!rc && o->immediate)
        rc = set_int(s, ZMQ_IMMEDIATE, 1, "ZMQ_IMMEDIATE");
    if (!rc && o->routing_id && zmq_setsockopt(s, ZMQ_ROUTING_ID, o->routing_id, idlen) != 0)
        rc = OMS_SET_ERR(-errno, "setting ZMQ_ROUTING_ID: %s", zmq_strerror(errno));
    if (rc) {
        zmq_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void oms_zsock_close(void *sock)
{
    if (sock)
        zmq_close(sock);
}

/* ---- endpoints ----------------------------------------------------------------------------- */

/* True for "*" or a port number 0..65535. */
static bool port_ok(const char *p)
{
    if (strcmp(p, "*") == 0)
        return true;
    if (!*p || strlen(p) > 5)
        return false;
    unsigned v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    return v <= 65535;
}

bool oms_zmq_endpoint_is_local(const char *ep)
{
    if (strncmp(ep, "ipc://", 6) == 0)
        return ep[6] != '\0';
    if (strncmp(ep, "inproc://", 9) == 0)
        return ep[9] != '\0';
    if (strncmp(ep, "tcp://", 6) != 0)
        return false;
    const char *host = ep + 6;
    /* ZeroMQ's "source;destination" form could name a remote peer: not local */
    if (strchr(host, ';'))
        return false;
    const char *colon = strrchr(host, ':');
    if (!colon || !port_ok(colon + 1))
        return false;
    size_t hl = (size_t)(colon - host);
    char h[64];
    if (hl == 0 || hl >= sizeof h)
        return false;
    memcpy(h, host, hl);
    h[hl] = '\0';
    if (strcmp(h, "localhost") == 0)
        return true;
    if (h[0] == '[') {
        if (hl < 3 || h[hl - 1] != ']')
            return false;
        h[hl - 1] = '\0';
        struct in6_addr a6;
        return inet_pton(AF_INET6, h + 1, &a6) == 1 &&
               memcmp(&a6, &in6addr_loopback, sizeof a6) == 0;
    }
    struct in_addr a4;
    if (inet_pton(AF_INET, h, &a4) != 1)
        return false;
    return (ntohl(a4.s_addr) >> 24) == 127;
}

int oms_zmq_endpoint_check(const char *endpoint, bool curve, bool plain_allowed)
{
    if (!endpoint || !*endpoint)
        return OMS_SET_ERR(-EINVAL, "empty endpoint");
    if (strlen(endpoint) >= OMS_ZMQ_ENDPOINT_CAP)
        return OMS_SET_ERR(-EINVAL, "endpoint %.40s...: longer than %d bytes", endpoint,
                           OMS_ZMQ_ENDPOINT_CAP - 1);
    if (strncmp(endpoint, "tcp://", 6) != 0 && strncmp(endpoint, "ipc://", 6) != 0 &&
        strncmp(endpoint, "inproc://", 9) != 0)
        return OMS_SET_ERR(-EINVAL, "endpoint %s: only tcp://, ipc:// and inproc:// are supported",
                           endpoint);
    if (curve)
        return 0;
    if (!plain_allowed)
        return OMS_SET_ERR(-EINVAL,
                           "endpoint %s: plain (non-CURVE) sockets are not allowed; configure "
                           "CURVE keys, or allow plain sockets explicitly for loopback and ipc",
                           endpoint);
    if (!oms_zmq_endpoint_is_local(endpoint))
        return OMS_SET_ERR(-EINVAL,
                           "endpoint %s: a plain (non-CURVE) socket may only use loopback tcp "
                           "(127.0.0.0/8, [::1], localhost), ipc:// or inproc://",
                           endpoint);
    return 0;
}

static int socket_is_curve(void *sock, bool *curve)
{
    int mech = 0;
    size_t len = sizeof mech;
    if (zmq_getsockopt(sock, ZMQ_MECHANISM, &mech, &len) != 0)
        return OMS_SET_ERR(-errno, "reading ZMQ_MECHANISM: %s", zmq_strerror(errno));
    *curve = mech == ZMQ_CURVE;
    return 0;
}

int oms_zsock_bind(void *sock, const char *endpoint, bool plain_allowed, char *bound, size_t cap)
{
    bool curve = false;
    int rc = socket_is_curve(sock, &curve);
    if (rc)
        return rc;
    if ((rc = oms_zmq_endpoint_check(endpoint, curve, plain_allowed)))
        return rc;
    if (zmq_bind(sock, endpoint) != 0)
        return OMS_SET_ERR(-errno, "binding %s: %s", endpoint, zmq_strerror(errno));
    if (bound) {
        char last[OMS_ZMQ_ENDPOINT_CAP];
        size_t len = sizeof last;
        if (zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, last, &len) != 0)
            return OMS_SET_ERR(-errno, "reading the endpoint bound for %s: %s", endpoint,
                               zmq_strerror(errno));
        if (strlen(last) >= cap)
            return OMS_SET_ERR(OMS_EFULL, "the endpoint bound for %s does not fit", endpoint);
        memcpy(bound, last, strlen(last) + 1);
    }
    return 0;
}

int oms_zsock_connect(void *sock, const char *endpoint, bool plain_allowed)
{
    bool curve = false;
    int rc = socket_is_curve(sock, &curve);
    if (rc)
        return rc;
    if ((rc = oms_zmq_endpoint_check(endpoint, curve, plain_allowed)))
        return rc;
    if (zmq_connect(sock, endpoint) != 0)
        return OMS_SET_ERR(-errno, "connecting to %s: %s", endpoint, zmq_strerror(errno));
    return 0;
}

/* ---- sending and receiving ------------------------------------------------------------------ */

static int send_outcome(int err, oms_zsend_stats_t *st)
{
    if (err == EHOSTUNREACH) {
        if (st)
            st->unreachable++;
        return -EHOSTUNREACH;
    }
    if (err == EAGAIN) {
        if (st)
            st->would_block++;
        return -EAGAIN;
    }
    if (st)
        st->failed++;
    return OMS_SET_ERR(-err, "sending: %s", zmq_strerror(err));
}

int oms_zsock_send(void *sock, const void *buf, size_t len, int flags, oms_zsend_stats_t *st)
{
    if (zmq_send(sock, buf, len, flags) < 0)
        return send_outcome(errno, st);
    if (st)
        st->sent++;
    return 0;
}

int oms_zsock_send_to(void *sock, const void *id, size_t idlen, const void *buf, size_t len,
                      int flags, oms_zsend_stats_t *st)
{
    /* ROUTER_MANDATORY makes the id frame the only one that can be refused (unknown peer, or
     * its pipe full past the timeout); once it is accepted the payload goes with it. */
    if (zmq_send(sock, id, idlen, flags | ZMQ_SNDMORE) < 0)
        return send_outcome(errno, st);
    if (zmq_send(sock, buf, len, flags) < 0)
        return send_outcome(errno, st);
    if (st)
        st->sent++;
    return 0;
}

/* Drops the rest of a multipart message. */
static void drain_more(void *sock)
{
    int more = 0;
    size_t ml = sizeof more;
    while (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &ml) == 0 && more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        int rc = zmq_msg_recv(&m, sock, 0);
        zmq_msg_close(&m);
        if (rc < 0)
            break;
        ml = sizeof more;
    }
}

int oms_zsock_recv(void *sock, bool routed, void *buf, size_t cap, oms_zrecv_t *r, int flags)
{
    zmq_msg_t m;
    r->idlen = 0;
    r->len = 0;
    r->user_id[0] = '\0';
    if (routed) {
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, sock, flags) < 0) {
            int e = errno;
            zmq_msg_close(&m);
            if (e == EAGAIN)
                return -EAGAIN;
            return OMS_SET_ERR(-e, "receiving: %s", zmq_strerror(e));
        }
        size_t n = zmq_msg_size(&m);
        bool more = zmq_msg_more(&m);
        if (n > sizeof r->id)
            n = sizeof r->id;
        memcpy(r->id, zmq_msg_data(&m), n);
        r->idlen = n;
        zmq_msg_close(&m);
        if (!more)
            return OMS_SET_ERR(-EPROTO, "received a routing id without a message");
        /* the rest of a message arrives with its first frame: no wait needed */
        flags = 0;
    }
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, sock, flags) < 0) {
        int e = errno;
        zmq_msg_close(&m);
        if (e == EAGAIN)
            return -EAGAIN;
        return OMS_SET_ERR(-e, "receiving: %s", zmq_strerror(e));
    }
    const char *uid = zmq_msg_gets(&m, "User-Id");
    if (uid) {
        size_t ul = strlen(uid);
        if (ul >= sizeof r->user_id)
            ul = sizeof r->user_id - 1;
        memcpy(r->user_id, uid, ul);
        r->user_id[ul] = '\0';
    }
    size_t n = zmq_msg_size(&m);
    bool more = zmq_msg_more(&m);
    int rc = 0;
    if (n > cap) {
        rc = OMS_SET_ERR(OMS_EFULL, "received a message of %zu bytes; at most %zu fit", n, cap);
    } else {
        memcpy(buf, zmq_msg_data(&m), n);
        r->len = n;
    }
    zmq_msg_close(&m);
    if (more) {
        drain_more(sock);
        if (!rc)
            rc = OMS_SET_ERR(-EPROTO, "received a message of more frames than expected");
    }
    return rc;
}

/* ---- the monitor ---------------------------------------------------------------------------- */

struct oms_zmon {
    void *sock;      /* the monitored socket (not owned) */
    void *pair;      /* reads the events */
    uint64_t counts[OMS_ZMON_KIND_COUNT];
};

static const char *const zmon_names[] = {
#define OMS__ZMON_NAME(c, n) n,
    OMS_ZMON_KINDS(OMS__ZMON_NAME)
#undef OMS__ZMON_NAME
};

const char *oms_zmon_kind_name(oms_zmon_kind_t kind)
{
    return (unsigned)kind < OMS_ZMON_KIND_COUNT ? zmon_names[kind] : "?";
}

static oms_zmon_kind_t zmon_kind_of(uint16_t e)
{
    switch (e) {
    case ZMQ_EVENT_CONNECTED:
        return OMS_ZMON_CONNECTED;
    case ZMQ_EVENT_ACCEPTED:
        return OMS_ZMON_ACCEPTED;
    case ZMQ_EVENT_DISCONNECTED:
        return OMS_ZMON_DISCONNECTED;
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        return OMS_ZMON_HANDSHAKE_OK;
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        return OMS_ZMON_AUTH_FAILED;
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL:
        return OMS_ZMON_PROTOCOL_FAILED;
    case ZMQ_EVENT_CLOSED:
        return OMS_ZMON_CLOSED;
    default:
        return OMS_ZMON_OTHER;
    }
}

int oms_zmon_open(oms_zmon_t **out, void *zctx, void *sock)
{
    /* inproc names are per context; the counter makes each monitor's name unique in it */
    static atomic_uint_fast64_t next;
    char ep[64];
    snprintf(ep, sizeof ep, "inproc://oms-monitor-%llu",
             (unsigned long long)atomic_fetch_add(&next, 1));
    oms_zmon_t *m = calloc(1, sizeof *m);
    if (!m)
        return OMS_SET_ERR(-ENOMEM, "allocating a socket monitor");
    m->sock = sock;
    if (zmq_socket_monitor(sock, ep, ZMQ_EVENT_ALL) != 0) {
        int e = errno;
        free(m);
        return OMS_SET_ERR(-e, "starting a socket monitor: %s", zmq_strerror(e));
    }
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0;
    int rc = oms_zsock_open(&m->pair, zctx, ZMQ_PAIR, &o);
    if (!rc && zmq_connect(m->pair, ep) != 0)
        rc = OMS_SET_ERR(-errno, "connecting the socket monitor: %s", zmq_strerror(errno));
    if (rc) {
        zmq_socket_monitor(sock, NULL, 0);
        oms_zsock_close(m->pair);
        free(m);
        return rc;
    }
    *out = m;
    return 0;
}

void *oms_zmon_socket(oms_zmon_t *m)
{
    return m->pair;
}

int oms_zmon_read(oms_zmon_t *m, oms_zmon_event_t *ev, int timeout_ms)
{
    zmq_pollitem_t it = {m->pair, 0, ZMQ_POLLIN, 0};
    int n = zmq_poll(&it, 1, timeout_ms);
    if (n < 0)
        return n == -1 && errno == EINTR ? -EAGAIN : OMS_SET_ERR(-errno, "polling a monitor");
    if (n == 0)
        return -EAGAIN;
    /* frame 1: uint16 event, uint32 value (host order); frame 2: the endpoint */
    uint8_t head[6];
    int len = zmq_recv(m->pair, head, sizeof head, 0);
    if (len < 0)
        return OMS_SET_ERR(-errno, "reading a monitor event: %s", zmq_strerror(errno));
    memset(ev, 0, sizeof *ev);
    if (len == (int)sizeof head) {
        memcpy(&ev->zmq_event, head, 2);
        memcpy(&ev->value, head + 2, 4);
    }
    int more = 0;
    size_t ml = sizeof more;
    if (zmq_getsockopt(m->pair, ZMQ_RCVMORE, &more, &ml) == 0 && more) {
        int el = zmq_recv(m->pair, ev->endpoint, sizeof ev->endpoint - 1, 0);
        if (el > (int)sizeof ev->endpoint - 1)
            el = (int)sizeof ev->endpoint - 1;
        ev->endpoint[el > 0 ? el : 0] = '\0';
        drain_more(m->pair);
    }
    ev->kind = zmon_kind_of(ev->zmq_event);
    m->counts[ev->kind]++;
    return 0;
}

uint64_t oms_zmon_count(const oms_zmon_t *m, oms_zmon_kind_t kind)
{
    return (unsigned)kind < OMS_ZMON_KIND_COUNT ? m->counts[kind] : 0;
}

void oms_zmon_close(oms_zmon_t *m)
{
    if (!m)
        return;
    zmq_socket_monitor(m->sock, NULL, 0);
    oms_zsock_close(m->pair);
    free(m);
}
