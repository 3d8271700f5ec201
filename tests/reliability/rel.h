/*
 * rel.h - the fixtures the reliability suites share: venue simulators on threads of the test
 * (recording every frame they receive), the live engine in this process (oms_live_*) or as a
 * child `oms run` that can be killed, FIX clients that validate everything they receive as a
 * message to a client, the admin socket, and a config builder.
 *
 * The same shapes as tests/e2e/test_e2e.c (the engine's own end-to-end tests), which they extend
 * with what the suites need to check promises: what a venue saw, what a client saw acknowledged,
 * the venue requests a replay of the journal derives.
 */
#ifndef OMS_REL_H
#define OMS_REL_H

#include "support.h"

#include "adapters.h"
#include "replay.h"

#include <jansson.h>
#include <pthread.h>
#include <sys/types.h>

/* Sanitizer builds (OMS_SANITIZE, OMS_FUZZ) run the engine several times slower: the latency
 * bounds of the suites are scaled by REL_SLOWDOWN there. */
#if defined(__SANITIZE_ADDRESS__)
#define REL_SLOWDOWN 4
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REL_SLOWDOWN 4
#endif
#endif
#ifndef REL_SLOWDOWN
#define REL_SLOWDOWN 1
#endif

#define REL_WAIT_MS 3000
#define REL_FIXED_QUOTES 600000 /* ms: quotes never move (EURUSD 1.0849 / 1.0851) */

int64_t rel_dec(const char *s);

/* ---- venues ---------------------------------------------------------------------------------- */

/* One request a venue received: its ClOrdID (11), its MsgType and whether it carried 97=Y. */
typedef struct rel_seen {
    char cl_ord_id[OMS_ID_CAP];
    char msg_type;       /* 'D', 'F', 'G' */
    bool poss_resend;
} rel_seen_t;

typedef struct rel_venue {
    oms_venue_sim_t *s;
    pthread_t th;
    int rc;
    char name[16];
    char orders[256], md[256];
    pthread_mutex_t mu;
    rel_seen_t *seen;    /* under mu */
    size_t nseen, capseen;
} rel_venue_t;

typedef struct rel_venue_opts {
    oms_venue_fault_t fault;
    uint32_t fault_after;
    uint32_t fault_down_ms;
    int64_t partial_ratio;   /* 10^-8 */
    uint32_t latency_us;
} rel_venue_opts_t;

/* A venue quoting EURUSD on ipc under dir; o may be NULL (no fault). */
void rel_venue_start(rel_venue_t *v, const char *name, const char *dir, uint64_t seed,
                     const rel_venue_opts_t *o);
void rel_venue_stop(rel_venue_t *v);
oms_venue_sim_stats_t rel_venue_stats(const rel_venue_t *v);
/* A copy of what the venue received so far (free it). */
rel_seen_t *rel_venue_seen(rel_venue_t *v, size_t *n);

/* ---- config ---------------------------------------------------------------------------------- */

/* Plain sockets on ipc under dir: CLIENT1 (ACC1), CLIENT2 (ACC2), admin ops, the venues, EURUSD
 * routed to all of them. extra is appended verbatim (more sections) when not NULL. The endpoints
 * are written into oe, dc, ad (each 512 bytes). Returns a malloc'd text. */
char *rel_ini(const char *dir, rel_venue_t *const *venues, size_t nvenues, const char *client1_opts,
              const char *extra, char *oe, char *dc, char *ad);

/* ---- the engine in this process ------------------------------------------------------------ */

typedef struct rel_engine {
    oms_config_t *cfg;
    oms_live_t *l;
    pthread_t th;
    int rc;
    uint64_t hash;       /* after rel_engine_stop: the final state hash */
    pthread_mutex_t mu;
    char *log;           /* every log line, under mu */
    size_t loglen, logcap;
} rel_engine_t;

void rel_engine_start(rel_engine_t *e, const char *ini);
/* Asks it to stop and waits; returns oms_live_run's result (the engine's error stays in e->rc). */
int rel_engine_stop(rel_engine_t *e);
/* True when a log line so far contains s. */
bool rel_engine_logged(rel_engine_t *e, const char *s);
void rel_engine_free(rel_engine_t *e);

/* ---- the engine as a child process ----------------------------------------------------------- */

/* `oms run --config ini --quiet` with stdout appended to out; returns its pid. The program is
 * the build's, or $OMS_REL_BIN (a copy frozen with the test binary, for long runs while the tree
 * keeps changing: the test's replay must be the same code as the engine it checks). */
pid_t rel_spawn(const char *ini_path, const char *out_path);
/* Waits until the admin socket answers health (NULL after about 10 s). */
json_t *rel_wait_admin(const char *ad);

/* ---- clients --------------------------------------------------------------------------------- */

typedef struct rel_client {
    void *ctx, *sock;
    oms_zmon_t *mon;
    const char *sender;
    int64_t seq;
    char buf[65536];
    size_t len;
    oms_fix_field_t fields[OMS_FIX_MAX_FIELDS];
    oms_fix_msg_t m;
} rel_client_t;

/* kp NULL: plain. rcvhwm 0: the default. */
void rel_client_open(rel_client_t *c, const char *ep, const char *sender,
                     const oms_curve_pair_t *kp, const char *server_key, int rcvhwm);
void rel_client_close(rel_client_t *c);
/* Sends a frame as it is; -EAGAIN when it did not leave. */
int rel_client_send_raw(rel_client_t *c, const void *buf, size_t len);
/* Receives one message, validated as a message to a client: true, or false on timeout. */
bool rel_client_recv(rel_client_t *c, int ms);
bool rel_is(const rel_client_t *c, int tag, const char *v);
const char *rel_val(rel_client_t *c, int tag, char *out, size_t cap);
/* Reads until an execution report for clid with exec type et (150); false on timeout. */
bool rel_wait_er(rel_client_t *c, const char *clid, char et, int ms);

/* Builds (into buf, returns the length) and sends. price NULL: a market order. */
size_t rel_build_order(rel_client_t *c, char *buf, size_t cap, const char *clid,
                       const char *account, char side, const char *qty, const char *price);
void rel_send_order(rel_client_t *c, const char *clid, const char *account, char side,
                    const char *qty, const char *price);
void rel_send_cancel(rel_client_t *c, const char *clid, const char *orig, char side);
void rel_send_mass_status(rel_client_t *c, const char *id);
/* OrderMassCancelRequest (q) for all the client's orders. */
void rel_send_mass_cancel(rel_client_t *c, const char *clid);

/* ---- admin ----------------------------------------------------------------------------------- */

/* One request, its reply or NULL after ms. */
json_t *rel_admin(const char *ep, const char *request, const oms_curve_pair_t *kp,
                  const char *server_key, int ms);
bool rel_admin_ok(json_t *r);

/* ---- an index of strings ---------------------------------------------------------------------- */

#define REL_KEY_CAP 80

/* Open addressing over string keys, each with a number: the long runs check hundreds of
 * thousands of identifiers, which a linear search cannot. */
typedef struct rel_idx {
    char (*keys)[REL_KEY_CAP];
    uint32_t *vals;
    size_t cap, n;
} rel_idx_t;

void rel_idx_init(rel_idx_t *x);
/* key -> val; false (and nothing changed) when the key is there already. */
bool rel_idx_put(rel_idx_t *x, const char *key, uint32_t val);
/* The key's number, or UINT32_MAX. */
uint32_t rel_idx_get(const rel_idx_t *x, const char *key);
void rel_idx_free(rel_idx_t *x);

/* ---- the journal ----------------------------------------------------------------------------- */

/* An order as the state has it. */
typedef struct rel_order {
    char cl_ord_id[OMS_ID_CAP], orig_cl_ord_id[OMS_ID_CAP];
    uint8_t ord_status;
    int64_t cum_qty, leaves_qty;
    bool live;
} rel_order_t;

/* A replay of the journal: the engine (destroyed by rel_replay_free), the venue requests (venue
 * ClOrdIDs of venue_order, venue_cancel and venue_replace outputs) it derives, and every order,
 * indexed by "client/ClOrdID" for its current and its original ClOrdID. */
typedef struct rel_replay {
    oms_engine_t *e;
    oms_replay_stats_t st;
    rel_idx_t venue_ids;
    rel_order_t *orders;
    size_t norders;
    rel_idx_t order_ids;
} rel_replay_t;

int rel_replay(const char *jdir, rel_replay_t *r);
bool rel_replay_has_venue_id(const rel_replay_t *r, const char *id);
/* The order of client whose current or original ClOrdID is cl_ord_id, or NULL. */
const rel_order_t *rel_replay_order(const rel_replay_t *r, const char *client,
                                    const char *cl_ord_id);
void rel_replay_free(rel_replay_t *r);

/* The process's resident set in KiB (from /proc/PID/status), or -1. */
long rel_rss_kib(pid_t pid);

#endif /* OMS_REL_H */
