/*
 * fuzz_config.c - libFuzzer target for the engine's config loader (oms_config_parse,
 * adapters/config.c), which reads an operator's INI file with inih.
 *
 * The input is a whole file. For each input:
 *   1. the loader either succeeds or fails with a negative code and a message that names the
 *      file ("fuzz.ini...": DESIGN.md's "an error naming the line or byte");
 *   2. on success, what it built keeps its own promises: counts within the documented maxima,
 *      every section findable by its name through the lookup functions, every instrument's
 *      venues among the [venue] sections, every account's clients among the [client] ones, and
 *      plain sockets only where the config allows them and the endpoint is local;
 *   3. parsing the same text again gives the same verdict (the loader keeps no state between
 *      calls).
 * Any other outcome is a finding: abort() with the details on stderr. ASan and UBSan catch the
 * rest (reads past the text, leaks through the error paths, overflows in number parsing).
 */
#include "adapters.h"

#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "fuzz_config: %s:%d: %s: ", __FILE__, __LINE__, #cond);             \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

static void check_endpoint(const oms_config_t *c, const char *ep, bool curve)
{
    if (!ep[0])
        return;
    CHECK(curve || (c->engine.plain_sockets_allowed && oms_zmq_endpoint_is_local(ep)),
          "plain endpoint %s accepted (plain allowed: %d)", ep, c->engine.plain_sockets_allowed);
}

static void check_config(const oms_config_t *c)
{
    CHECK(c->nclients <= OMS_CONFIG_MAX_CLIENTS && c->nadmins <= OMS_CONFIG_MAX_ADMINS &&
              c->nvenues <= OMS_CONFIG_MAX_VENUES && c->ninstruments <= OMS_CONFIG_MAX_INSTRUMENTS &&
              c->naccounts <= OMS_CONFIG_MAX_ACCOUNTS && c->nfx <= OMS_CONFIG_MAX_FX &&
              c->nlimits <= OMS_CONFIG_MAX_LIMITS,
          "counts past the maxima");
    CHECK(c->engine.journal_dir[0] && c->endpoints.order_entry[0], "required keys missing");
    bool curve = c->security.server_secret_key[0] != '\0';
    check_endpoint(c, c->endpoints.order_entry, curve);
    check_endpoint(c, c->endpoints.drop_copy, curve);
    check_endpoint(c, c->endpoints.admin, curve);
    for (uint32_t i = 0; i < c->nclients; i++) {
        CHECK(oms_config_client(c, c->clients[i].name) == &c->clients[i], "client %s",
              c->clients[i].name);
        CHECK(c->clients[i].naccounts <= OMS_CONFIG_MAX_CLIENT_ACCOUNTS, "client accounts");
    }
    for (uint32_t i = 0; i < c->nvenues; i++) {
        const oms_config_venue_t *v = &c->venues[i];
        CHECK(oms_config_venue(c, v->name) == v, "venue %s", v->name);
        CHECK(v->nsymbol_map <= OMS_CONFIG_MAX_SYMBOL_MAP, "symbol map");
        check_endpoint(c, v->order_endpoint, v->public_key[0] != '\0');
        check_endpoint(c, v->md_endpoint, v->public_key[0] != '\0');
    }
    for (uint32_t i = 0; i < c->ninstruments; i++) {
        const oms_config_instrument_t *in = &c->instruments[i];
        CHECK(oms_config_instrument(c, in->symbol) == in, "instrument %s", in->symbol);
        CHECK(in->tick_size > 0 && in->lot_size > 0 && in->nvenues >= 1 &&
                  in->nvenues <= OMS_MAX_VENUES,
              "instrument %s: tick, lot or venues", in->symbol);
        for (uint32_t k = 0; k < in->nvenues; k++)
            CHECK(oms_config_venue(c, in->venues[k]) != NULL, "instrument %s: venue %s",
                  in->symbol, in->venues[k]);
    }
    for (uint32_t i = 0; i < c->naccounts; i++) {
        const oms_config_account_t *a = &c->accounts[i];
        CHECK(oms_config_account(c, a->id) == a, "account %s", a->id);
        for (uint32_t k = 0; k < a->nclients; k++)
            CHECK(oms_config_client(c, a->clients[k]) != NULL, "account %s: client %s", a->id,
                  a->clients[k]);
    }
    for (uint32_t i = 0; i < c->nlimits; i++)
        CHECK(c->limits[i].value >= 0, "limit %s: negative value", c->limits[i].name);
    for (uint32_t i = 0; i < c->nfx; i++)
        CHECK(c->fx[i].rate > 0, "fx %s/%s: rate", c->fx[i].base, c->fx[i].quote);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    oms_config_t *c = NULL;
    int rc = oms_config_parse(&c, "fuzz.ini", (const char *)data, size);
    if (rc == 0) {
        CHECK(c != NULL, "success without a config");
        check_config(c);
        oms_config_free(c);
    } else {
        CHECK(rc < 0 && c == NULL, "rc %d", rc);
        CHECK(strstr(oms_errmsg(), "fuzz.ini") != NULL, "an error that names no file: %s",
              oms_errmsg());
    }
    oms__err_clear();
    oms_config_t *again = NULL;
    int rc2 = oms_config_parse(&again, "fuzz.ini", (const char *)data, size);
    CHECK((rc2 == 0) == (rc == 0), "the same text parsed %d, then %d", rc, rc2);
    oms_config_free(again);
    oms__err_clear();
    return 0;
}
