/*
 * security.c - CURVE keys, CURVE server and client setup, and the ZAP handler with its allowlist.
 *
 * The handler is a REP socket on inproc://zeromq.zap.01 served by its own thread, so a gateway's
 * loop never waits on a handshake and no caller has to remember to poll it. It answers every
 * request (a REP socket must), and accepts only a CURVE client whose public key is allowed in the
 * very domain the server socket names; everything else gets status 400 and is counted and
 * reported. Together with ZMQ_ZAP_ENFORCE_DOMAIN on each server socket, that makes the default
 * "refused": a socket set up here with no handler, an unknown domain or an unknown key lets no
 * one in.
 *
 * The allowlist is an array of entries with two open-addressing indexes (domain + key, and a
 * client's user-id), all under one mutex shared by the owner (adding, removing, entitlement
 * checks) and the handler's thread (lookups). A removal rebuilds the indexes; removals are rare.
 */
#include "adapters.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

/* libzmq 4.3 ships ZMQ_ZAP_ENFORCE_DOMAIN in its draft API (Debian builds it); the number is
 * part of the protocol between library and caller and will not change. A library without it
 * refuses the option, and oms_curve_server_setup then fails rather than run unenforced. */
#ifndef ZMQ_ZAP_ENFORCE_DOMAIN
#define ZMQ_ZAP_ENFORCE_DOMAIN 93
#endif

static const char *const domain_names[OMS_ZAP_DOMAIN_COUNT] = {"clients", "venues", "admin"};

const char *oms_zap_domain_name(oms_zap_domain_t d)
{
    return (unsigned)d < OMS_ZAP_DOMAIN_COUNT ? domain_names[d] : NULL;
}

/* ---- keys ----------------------------------------------------------------------------------- */

int oms_z85_key_decode(const char *z85, uint8_t key[32])
{
    if (!z85)
        return OMS_SET_ERR(-EINVAL, "missing CURVE key");
    size_t n = strlen(z85);
    if (n != OMS_Z85_KEY_LEN)
        return OMS_SET_ERR(-EINVAL, "a CURVE key in Z85 has %d characters, not %zu",
                           OMS_Z85_KEY_LEN, n);
    uint8_t tmp[32];
    if (!zmq_z85_decode(key ? key : tmp, z85))
        return OMS_SET_ERR(-EINVAL, "not a Z85 CURVE key (a character outside Z85)");
    return 0;
}

int oms_curve_keypair(oms_curve_pair_t *out)
{
    if (!zmq_has("curve"))
        return OMS_SET_ERR(-ENOTSUP, "this libzmq was built without CURVE");
    if (zmq_curve_keypair(out->public_key, out->secret_key) != 0)
        return OMS_SET_ERR(-errno, "making a CURVE key pair: %s", zmq_strerror(errno));
    return 0;
}

int oms_curve_public_of(const char *secret_z85, char public_z85[OMS_Z85_KEY_CAP])
{
    int rc = oms_z85_key_decode(secret_z85, NULL);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "secret key");
    if (zmq_curve_public(public_z85, secret_z85) != 0)
        return OMS_SET_ERR(-errno, "deriving a CURVE public key: %s", zmq_strerror(errno));
    return 0;
}

/* ---- the allowlist -------------------------------------------------------------------------- */

typedef struct zap_entry {
    uint8_t key[32];
    uint8_t domain;
    bool live;                                   /* false once removed (until the rebuild) */
    char user_id[OMS_ZMQ_USER_ID_CAP];
    char (*accounts)[OMS_ID_CAP];
    uint32_t naccounts;
} zap_entry_t;

#define NIL UINT32_MAX

struct oms_zap {
    void *zctx;
    void *rep;                 /* the handler's thread only */
    void *ctl_rx;              /* the handler's thread only: wakes it to stop */
    void *ctl_tx;              /* the owner's */
    pthread_t thread;
    bool thread_started;
    oms_zap_refusal_fn fn;
    void *fn_ctx;
    atomic_uint_fast64_t accepted, refused;

    pthread_mutex_t mu;        /* guards everything below */
    zap_entry_t *e;
    uint32_t n, cap;
    uint32_t *by_key;          /* index into e, NIL when empty; size icap */
    uint32_t *by_user;         /* clients only */
    uint32_t icap;             /* a power of two, at least twice n */
};

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t key_hash(uint8_t domain, const uint8_t key[32])
{
    return fnv(key, 32, fnv(&domain, 1, 14695981039346656037ULL));
}

static uint64_t user_hash(const char *user_id)
{
    return fnv(user_id, strlen(user_id), 14695981039346656037ULL);
}

static void index_put(struct oms_zap *z, uint32_t idx)
{
    const zap_entry_t *en = &z->e[idx];
    uint32_t mask = z->icap - 1;
    uint64_t h = key_hash(en->domain, en->key);
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask)
        if (z->by_key[i] == NIL) {
            z->by_key[i] = idx;
            break;
        }
    if (en->domain != OMS_ZAP_CLIENTS)
        return;
    h = user_hash(en->user_id);
    for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask)
        if (z->by_user[i] == NIL) {
            z->by_user[i] = idx;
            break;
        }
}

/* Drops removed entries and rebuilds both indexes with room for want entries. */
static int index_rebuild(struct oms_zap *z, uint32_t want)
{
    uint32_t w = 0;
    for (uint32_t i = 0; i < z->n; i++) {
        if (z->e[i].live)
            z->e[w++] = z->e[i];
        else
            free(z->e[i].accounts);
    }
    z->n = w;
    uint32_t icap = 64;
    while (icap < 2 * want)
        icap *= 2;
    uint32_t *bk = malloc(icap * sizeof *bk), *bu = malloc(icap * sizeof *bu);
    if (!bk || !bu) {
        free(bk);
        free(bu);
        return OMS_SET_ERR(-ENOMEM, "growing the ZAP allowlist");
    }
    memset(bk, 0xff, icap * sizeof *bk);
    memset(bu, 0xff, icap * sizeof *bu);
    free(z->by_key);
    free(z->by_user);
    z->by_key = bk;
    z->by_user = bu;
    z->icap = icap;
    for (uint32_t i = 0; i < z->n; i++)
        index_put(z, i);
    return 0;
}

static zap_entry_t *find_key(struct oms_zap *z, uint8_t domain, const uint8_t key[32])
{
    if (!z->icap)
        return NULL;
    uint32_t mask = z->icap - 1;
    for (uint32_t i = (uint32_t)key_hash(domain, key) & mask; z->by_key[i] != NIL;
         i = (i + 1) & mask) {
        zap_entry_t *en = &z->e[z->by_key[i]];
        if (en->live && en->domain == domain && memcmp(en->key, key, 32) == 0)
            return en;
    }
    return NULL;
}

static zap_entry_t *find_user(struct oms_zap *z, const char *user_id)
{
    if (!z->icap)
        return NULL;
    uint32_t mask = z->icap - 1;
    for (uint32_t i = (uint32_t)user_hash(user_id) & mask; z->by_user[i] != NIL;
         i = (i + 1) & mask) {
        zap_entry_t *en = &z->e[z->by_user[i]];
        if (en->live && strcmp(en->user_id, user_id) == 0)
            return en;
    }
    return NULL;
}

static bool printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

int oms_zap_allow(oms_zap_t *z, oms_zap_domain_t d, const char *public_z85, const char *user_id,
                  const char *const *accounts, size_t naccounts)
{
    if ((unsigned)d >= OMS_ZAP_DOMAIN_COUNT)
        return OMS_SET_ERR(-EINVAL, "allowing a key: unknown ZAP domain %d", (int)d);
    uint8_t key[32];
    int rc = oms_z85_key_decode(public_z85, key);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "allowing a key in domain %s", domain_names[d]);
    size_t ul = user_id ? strlen(user_id) : 0;
    if (ul == 0 || ul > OMS_ZAP_USER_ID_MAX || !printable(user_id))
        return OMS_SET_ERR(-EINVAL, "allowing key %s in domain %s: the user-id must be 1 to %d "
                                    "printable characters without spaces",
                           public_z85, domain_names[d], OMS_ZAP_USER_ID_MAX);
    if (naccounts > 0 && d != OMS_ZAP_CLIENTS)
        return OMS_SET_ERR(-EINVAL, "allowing key %s: only client entries list accounts",
                           public_z85);
    if (naccounts > OMS_ZAP_MAX_ACCOUNTS)
        return OMS_SET_ERR(-EINVAL, "allowing key %s: %zu accounts, at most %d", public_z85,
                           naccounts, OMS_ZAP_MAX_ACCOUNTS);
    char(*acc)[OMS_ID_CAP] = NULL;
    if (naccounts) {
        acc = calloc(naccounts, sizeof *acc);
        if (!acc)
            return OMS_SET_ERR(-ENOMEM, "allowing a key");
        for (size_t i = 0; i < naccounts; i++) {
            size_t al = strlen(accounts[i]);
            if (al == 0 || al >= OMS_ID_CAP) {
                free(acc);
                return OMS_SET_ERR(-EINVAL, "allowing key %s: account '%s' is not 1 to %d bytes",
                                   public_z85, accounts[i], OMS_ID_CAP - 1);
            }
            memcpy(acc[i], accounts[i], al + 1);
        }
    }
    pthread_mutex_lock(&z->mu);
    rc = 0;
    if (find_key(z, (uint8_t)d, key))
        rc = OMS_SET_ERR(-EEXIST, "key %s is already allowed in domain %s", public_z85,
                         domain_names[d]);
    else if (d == OMS_ZAP_CLIENTS && find_user(z, user_id))
        rc = OMS_SET_ERR(-EEXIST, "client %s already has a key (remove it to rotate)", user_id);
    else if (z->n >= OMS_ZAP_MAX_ENTRIES)
        rc = OMS_SET_ERR(OMS_EFULL, "the ZAP allowlist is full (%d entries)", OMS_ZAP_MAX_ENTRIES);
    if (!rc && z->n == z->cap) {
        uint32_t ncap = z->cap ? z->cap * 2 : 16;
        zap_entry_t *ne = realloc(z->e, ncap * sizeof *ne);
        if (!ne)
            rc = OMS_SET_ERR(-ENOMEM, "growing the ZAP allowlist");
        else {
            z->e = ne;
            z->cap = ncap;
        }
    }
    if (!rc && 2 * (z->n + 1) > z->icap)
        rc = index_rebuild(z, z->n + 1);
    if (!rc) {
        zap_entry_t *en = &z->e[z->n];
        memset(en, 0, sizeof *en);
        memcpy(en->key, key, 32);
        en->domain = (uint8_t)d;
        en->live = true;
        memcpy(en->user_id, user_id, ul + 1);
        en->accounts = acc;
        en->naccounts = (uint32_t)naccounts;
        index_put(z, z->n++);
        acc = NULL;
    }
    pthread_mutex_unlock(&z->mu);
    free(acc);
    return rc;
}

int oms_zap_remove(oms_zap_t *z, oms_zap_domain_t d, const char *public_z85)
{
    uint8_t key[32];
    if ((unsigned)d >= OMS_ZAP_DOMAIN_COUNT)
        return OMS_SET_ERR(-EINVAL, "removing a key: unknown ZAP domain %d", (int)d);
    int rc = oms_z85_key_decode(public_z85, key);
    if (rc)
        return rc;
    pthread_mutex_lock(&z->mu);
    zap_entry_t *en = find_key(z, (uint8_t)d, key);
    if (!en) {
        rc = OMS_SET_ERR(OMS_ENOTFOUND, "key %s is not allowed in domain %s", public_z85,
                         domain_names[d]);
    } else {
        en->live = false;
        rc = index_rebuild(z, z->n);
    }
    pthread_mutex_unlock(&z->mu);
    return rc;
}

bool oms_zap_may_trade(oms_zap_t *z, const char *user_id, const char *account)
{
    bool ok = false;
    pthread_mutex_lock(&z->mu);
    const zap_entry_t *en = find_user(z, user_id);
    for (uint32_t i = 0; en && !ok && i < en->naccounts; i++)
        ok = strcmp(en->accounts[i], account) == 0;
    pthread_mutex_unlock(&z->mu);
    return ok;
}

void oms_zap_stats(const oms_zap_t *z, oms_zap_stats_t *out)
{
    out->accepted = atomic_load(&z->accepted);
    out->refused = atomic_load(&z->refused);
}

/* ---- the handler ---------------------------------------------------------------------------- */

#define ZAP_MAX_FRAMES 8

/* Copies a frame's bytes as a NUL-terminated string (cut at cap - 1). */
static void frame_str(zmq_msg_t *m, char *out, size_t cap)
{
    size_t n = zmq_msg_size(m);
    if (n >= cap)
        n = cap - 1;
    memcpy(out, zmq_msg_data(m), n);
    out[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
            out[i] = '?';
}

static void refuse(struct oms_zap *z, const oms_zap_refusal_t *r)
{
    atomic_fetch_add(&z->refused, 1);
    if (z->fn)
        z->fn(z->fn_ctx, r);
}

/* Decides one request: 200 with the user-id, or 400 with the reason (reported). */
static const char *decide(struct oms_zap *z, zmq_msg_t *f, int nf, char *user_id, size_t ucap)
{
    char domain[64] = "", mech[16] = "", addr[64] = "", key[OMS_Z85_KEY_CAP] = "";
    oms_zap_refusal_t r = {domain, mech, addr, key, NULL};
    if (nf < 6) {
        r.reason = "malformed ZAP request";
        refuse(z, &r);
        return r.reason;
    }
    frame_str(&f[2], domain, sizeof domain);
    frame_str(&f[3], addr, sizeof addr);
    frame_str(&f[5], mech, sizeof mech);
    if (zmq_msg_size(&f[0]) != 3 || memcmp(zmq_msg_data(&f[0]), "1.0", 3) != 0) {
        r.reason = "unsupported ZAP version";
        refuse(z, &r);
        return r.reason;
    }
    if (strcmp(mech, "CURVE") != 0) {
        r.reason = "only CURVE connections are accepted on a ZAP domain";
        refuse(z, &r);
        return r.reason;
    }
    if (nf != 7 || zmq_msg_size(&f[6]) != 32) {
        r.reason = "malformed CURVE credentials";
        refuse(z, &r);
        return r.reason;
    }
    const uint8_t *pk = zmq_msg_data(&f[6]);
    zmq_z85_encode(key, pk, 32);
    int d = -1;
    for (int i = 0; i < OMS_ZAP_DOMAIN_COUNT; i++)
        if (strcmp(domain, domain_names[i]) == 0)
            d = i;
    if (d < 0) {
        r.reason = "unknown ZAP domain";
        refuse(z, &r);
        return r.reason;
    }
    char why[96];
    pthread_mutex_lock(&z->mu);
    const zap_entry_t *en = find_key(z, (uint8_t)d, pk);
    if (en) {
        snprintf(user_id, ucap, "%s", en->user_id);
    } else {
        /* say where the key does belong: a client key offered to admin is worth knowing */
        snprintf(why, sizeof why, "unknown key");
        for (int i = 0; i < OMS_ZAP_DOMAIN_COUNT; i++)
            if (i != d && find_key(z, (uint8_t)i, pk)) {
                snprintf(why, sizeof why, "key allowed in domain %s, not %s", domain_names[i],
                         domain);
                break;
            }
    }
    pthread_mutex_unlock(&z->mu);
    if (en) {
        atomic_fetch_add(&z->accepted, 1);
        return NULL;
    }
    r.reason = why;
    refuse(z, &r);
    /* the reply carries a fixed text; the detail went to the callback */
    return "refused";
}

static void serve_one(struct oms_zap *z)
{
    zmq_msg_t f[ZAP_MAX_FRAMES];
    int nf = 0;
    bool more = true;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, z->rep, 0) < 0) {
            zmq_msg_close(&m);
            break;
        }
        more = zmq_msg_more(&m);
        if (nf < ZAP_MAX_FRAMES)
            f[nf++] = m;
        else
            zmq_msg_close(&m);
    }
    char user_id[OMS_ZMQ_USER_ID_CAP] = "";
    const char *refusal = decide(z, f, nf, user_id, sizeof user_id);
    /* reply: version, request id, status code, status text, user id, metadata */
    zmq_send(z->rep, "1.0", 3, ZMQ_SNDMORE);
    if (nf >= 2)
        zmq_send(z->rep, zmq_msg_data(&f[1]), zmq_msg_size(&f[1]), ZMQ_SNDMORE);
    else
        zmq_send(z->rep, "", 0, ZMQ_SNDMORE);
    if (refusal) {
        zmq_send(z->rep, "400", 3, ZMQ_SNDMORE);
        zmq_send(z->rep, refusal, strlen(refusal), ZMQ_SNDMORE);
        zmq_send(z->rep, "", 0, ZMQ_SNDMORE);
    } else {
        zmq_send(z->rep, "200", 3, ZMQ_SNDMORE);
        zmq_send(z->rep, "OK", 2, ZMQ_SNDMORE);
        zmq_send(z->rep, user_id, strlen(user_id), ZMQ_SNDMORE);
    }
    zmq_send(z->rep, "", 0, 0);
    for (int i = 0; i < nf; i++)
        zmq_msg_close(&f[i]);
}

static void *zap_thread(void *arg)
{
    struct oms_zap *z = arg;
    for (;;) {
        zmq_pollitem_t it[2] = {{z->rep, 0, ZMQ_POLLIN, 0}, {z->ctl_rx, 0, ZMQ_POLLIN, 0}};
        int n = zmq_poll(it, 2, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break; /* ETERM: the context is going away */
        }
        if (it[1].revents & ZMQ_POLLIN)
            break;
        if (it[0].revents & ZMQ_POLLIN)
            serve_one(z);
    }
    return NULL;
}

void oms_zap_close(oms_zap_t *z)
{
    if (!z)
        return;
    if (z->thread_started) {
        zmq_send(z->ctl_tx, "", 0, 0);
        pthread_join(z->thread, NULL);
    }
    oms_zsock_close(z->rep);
    oms_zsock_close(z->ctl_rx);
    oms_zsock_close(z->ctl_tx);
    for (uint32_t i = 0; i < z->n; i++)
        free(z->e[i].accounts);
    free(z->e);
    free(z->by_key);
    free(z->by_user);
    pthread_mutex_destroy(&z->mu);
    free(z);
}

int oms_zap_open(oms_zap_t **out, void *zctx, oms_zap_refusal_fn fn, void *fn_ctx)
{
    static atomic_uint_fast64_t next;
    struct oms_zap *z = calloc(1, sizeof *z);
    if (!z)
        return OMS_SET_ERR(-ENOMEM, "allocating the ZAP handler");
    pthread_mutex_init(&z->mu, NULL);
    z->zctx = zctx;
    z->fn = fn;
    z->fn_ctx = fn_ctx;
    oms_zsock_opts_t o;
    oms_zsock_opts_default(&o);
    o.linger_ms = 0;
    char ctl[64];
    snprintf(ctl, sizeof ctl, "inproc://oms-zap-ctl-%llu",
             (unsigned long long)atomic_fetch_add(&next, 1));
    int rc = oms_zsock_open(&z->rep, zctx, ZMQ_REP, &o);
    if (!rc && zmq_bind(z->rep, OMS_ZAP_ENDPOINT) != 0)
        rc = OMS_SET_ERR(-errno, "binding the ZAP handler on %s: %s", OMS_ZAP_ENDPOINT,
                         zmq_strerror(errno));
    if (!rc)
        rc = oms_zsock_open(&z->ctl_tx, zctx, ZMQ_PAIR, &o);
    if (!rc && zmq_bind(z->ctl_tx, ctl) != 0)
        rc = OMS_SET_ERR(-errno, "binding %s: %s", ctl, zmq_strerror(errno));
    if (!rc)
        rc = oms_zsock_open(&z->ctl_rx, zctx, ZMQ_PAIR, &o);
    if (!rc && zmq_connect(z->ctl_rx, ctl) != 0)
        rc = OMS_SET_ERR(-errno, "connecting %s: %s", ctl, zmq_strerror(errno));
    if (!rc && index_rebuild(z, 0))
        rc = -ENOMEM;
    if (!rc) {
        int e = pthread_create(&z->thread, NULL, zap_thread, z);
        if (e)
            rc = OMS_SET_ERR(-e, "starting the ZAP handler's thread");
        else
            z->thread_started = true;
    }
    if (rc) {
        oms_zap_close(z);
        return rc;
    }
    *out = z;
    return 0;
}

/* ---- CURVE setup ---------------------------------------------------------------------------- */

static int set_opt(void *sock, int opt, const void *v, size_t len, const char *name)
{
    if (zmq_setsockopt(sock, opt, v, len) != 0)
        return OMS_SET_ERR(-errno, "setting %s: %s", name, zmq_strerror(errno));
    return 0;
}

int oms_curve_server_setup(void *sock, const oms_zap_t *zap, oms_zap_domain_t d,
                           const char *secret_z85)
{
    if (!zap)
        return OMS_SET_ERR(-EINVAL, "a CURVE server needs the ZAP handler bound first");
    if ((unsigned)d >= OMS_ZAP_DOMAIN_COUNT)
        return OMS_SET_ERR(-EINVAL, "unknown ZAP domain %d", (int)d);
    int rc = oms_z85_key_decode(secret_z85, NULL);
    if (rc)
        return OMS_ADD_CONTEXT(rc, "server secret key");
    if (!zmq_has("curve"))
        return OMS_SET_ERR(-ENOTSUP, "this libzmq was built without CURVE");
    int one = 1;
    const char *dom = domain_names[d];
    if ((rc = set_opt(sock, ZMQ_CURVE_SERVER, &one, sizeof one, "ZMQ_CURVE_SERVER")) ||
        (rc = set_opt(sock, ZMQ_CURVE_SECRETKEY, secret_z85, OMS_Z85_KEY_LEN,
                      "ZMQ_CURVE_SECRETKEY")) ||
        (rc = set_opt(sock, ZMQ_ZAP_DOMAIN, dom, strlen(dom), "ZMQ_ZAP_DOMAIN")) ||
        (rc = set_opt(sock, ZMQ_ZAP_ENFORCE_DOMAIN, &one, sizeof one, "ZMQ_ZAP_ENFORCE_DOMAIN")))
        return rc;
    /* read it back: a library that ignored the option would run unenforced */
    int v = 0;
    size_t vl = sizeof v;
    if (zmq_getsockopt(sock, ZMQ_ZAP_ENFORCE_DOMAIN, &v, &vl) != 0 || v != 1)
        return OMS_SET_ERR(-ENOTSUP, "this libzmq does not enforce ZAP domains");
    return 0;
}

int oms_curve_client_setup(void *sock, const char *public_z85, const char *secret_z85,
                           const char *server_public_z85)
{
    int rc;
    if ((rc = oms_z85_key_decode(public_z85, NULL)))
        return OMS_ADD_CONTEXT(rc, "client public key");
    if ((rc = oms_z85_key_decode(secret_z85, NULL)))
        return OMS_ADD_CONTEXT(rc, "client secret key");
    if ((rc = oms_z85_key_decode(server_public_z85, NULL)))
        return OMS_ADD_CONTEXT(rc, "server public key");
    if (!zmq_has("curve"))
        return OMS_SET_ERR(-ENOTSUP, "this libzmq was built without CURVE");
    if ((rc = set_opt(sock, ZMQ_CURVE_SERVERKEY, server_public_z85, OMS_Z85_KEY_LEN,
                      "ZMQ_CURVE_SERVERKEY")) ||
        (rc = set_opt(sock, ZMQ_CURVE_PUBLICKEY, public_z85, OMS_Z85_KEY_LEN,
                      "ZMQ_CURVE_PUBLICKEY")) ||
        (rc = set_opt(sock, ZMQ_CURVE_SECRETKEY, secret_z85, OMS_Z85_KEY_LEN,
                      "ZMQ_CURVE_SECRETKEY")))
        return rc;
    return 0;
}

int oms_zap_allow_config(oms_zap_t *z, const struct oms_config *c)
{
    for (uint32_t i = 0; i < c->nclients; i++) {
        const oms_config_client_t *cl = &c->clients[i];
        if (!cl->public_key[0])
            continue;
        const char *acc[OMS_CONFIG_MAX_CLIENT_ACCOUNTS];
        for (uint32_t k = 0; k < cl->naccounts; k++)
            acc[k] = cl->accounts[k];
        int rc = oms_zap_allow(z, OMS_ZAP_CLIENTS, cl->public_key, cl->sender_comp_id, acc,
                               cl->naccounts);
        if (rc)
            return OMS_ADD_CONTEXT(rc, "%s: [client %s]", c->path, cl->name);
    }
    for (uint32_t i = 0; i < c->nadmins; i++) {
        const oms_config_admin_t *a = &c->admins[i];
        if (!a->public_key[0])
            continue;
        int rc = oms_zap_allow(z, OMS_ZAP_ADMIN, a->public_key, a->name, NULL, 0);
        if (rc)
            return OMS_ADD_CONTEXT(rc, "%s: [admin %s]", c->path, a->name);
    }
    return 0;
}
