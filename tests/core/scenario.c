/*
 * scenario.c - runs scenario files (format in scenario.h) against the engine.
 *
 * Invariants: a scenario either passes completely or fails at the first mismatch with
 * "file:line: what" and the actual output or state printed; each event is applied to an engine
 * restored from a snapshot of the previous step, so restore equivalence is tested on every line.
 */
#include "support.h"

#include "projections.h"
#include "scenario.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void oms_scenario_config(oms_engine_config_t *cfg)
{
    oms_engine_config_default(cfg);
    cfg->max_instruments = 64;
    cfg->max_accounts = 64;
    cfg->max_clients = 64;
    cfg->max_venues = 16;
    cfg->max_currencies = 16;
    cfg->max_positions = 256;
    cfg->max_orders = 256;
    cfg->max_fills = 1024;
    cfg->max_aliases = 2048;
    cfg->rate_window_max = 16;
    cfg->max_legs = 1024;
    cfg->max_book_rules = 64;
}

typedef struct line {
    char *text;
    const char *file;
    int no;
} line_t;

typedef struct lines {
    line_t *v;
    size_t n, cap;
    char **files; /* names kept for messages */
    size_t nfiles;
} lines_t;

static void load(lines_t *L, const char *path, int depth)
{
    OMS_CHECK(depth < 5, "%s: include nesting too deep", path);
    uint8_t *buf;
    size_t len;
    OMS_CHECK(oms_file_read(path, &buf, &len) == 0, "cannot read scenario %s", path);
    L->files = realloc(L->files, (L->nfiles + 1) * sizeof *L->files);
    char *name = strdup(path);
    L->files[L->nfiles++] = name;
    char *text = malloc(len + 1);
    memcpy(text, buf, len);
    text[len] = '\0';
    free(buf);
    int no = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        no++;
        char *s = p;
        while (*s == ' ' || *s == '\t')
            s++;
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
            s[--n] = '\0';
        if (strncmp(s, "include ", 8) == 0) {
            char *dir = strdup(path);
            char *slash = strrchr(dir, '/');
            if (slash)
                slash[1] = '\0';
            else
                dir[0] = '\0';
            char *inc = malloc(strlen(dir) + strlen(s + 8) + 1);
            strcpy(inc, dir);
            strcat(inc, s + 8);
            load(L, inc, depth + 1);
            free(inc);
            free(dir);
        } else if (*s && *s != '#') {
            if (L->n == L->cap) {
                L->cap = L->cap ? L->cap * 2 : 64;
                L->v = realloc(L->v, L->cap * sizeof *L->v);
            }
            L->v[L->n++] = (line_t){strdup(s), name, no};
        }
        p = nl ? nl + 1 : NULL;
    }
    free(text);
}

static void lines_free(lines_t *L)
{
    for (size_t i = 0; i < L->n; i++)
        free(L->v[i].text);
    for (size_t i = 0; i < L->nfiles; i++)
        free(L->files[i]);
    free(L->v);
    free(L->files);
}

typedef struct run {
    oms_engine_t *e;
    oms_outbuf_t out;
    oms_event_t *last; /* copy of the last event's outputs */
    size_t nlast, cursor;
    int rest_ok;
    uint64_t seq;
    int64_t ts;
    json_t *state; /* cached state JSON of the current step */
    const line_t *ln;
} run_t;

#define FAIL(r, ...)                                                                               \
    do {                                                                                           \
        print_error("%s:%d: ", (r)->ln->file, (r)->ln->no);                                        \
        print_error(__VA_ARGS__);                                                                  \
        print_error("\n");                                                                         \
        fail();                                                                                    \
    } while (0)

static char *event_text(const oms_event_t *ev)
{
    json_t *j = oms_event_to_json_typed(ev);
    char *s = j ? json_dumps(j, JSON_COMPACT) : strdup("(no JSON form)");
    json_decref(j);
    return s;
}

/* "TYPE {json}" into an event */
static void parse_event(run_t *r, const char *s, oms_event_t *ev)
{
    const char *sp = strchr(s, ' ');
    size_t tlen = sp ? (size_t)(sp - s) : strlen(s);
    const oms_event_desc_t *d = oms_event_desc_by_name(s, tlen);
    if (!d)
        FAIL(r, "unknown event type \"%.*s\"", (int)tlen, s);
    json_error_t err;
    json_t *j = json_loads(sp ? sp + 1 : "{}", 0, &err);
    if (!j)
        FAIL(r, "bad JSON: %s", err.text);
    if (oms_event_from_json(d->type, j, ev) < 0) {
        json_decref(j);
        FAIL(r, "bad %s: %s", d->name, oms_errmsg());
    }
    json_decref(j);
}

static void check_all_consumed(run_t *r)
{
    if (r->cursor < r->nlast && !r->rest_ok) {
        print_error("%s:%d: %zu output(s) of the event at seq %llu not listed:\n", r->ln->file,
                    r->ln->no, r->nlast - r->cursor, (unsigned long long)r->seq);
        for (size_t i = r->cursor; i < r->nlast; i++) {
            char *t = event_text(&r->last[i]);
            print_error("  < %s\n", t);
            free(t);
        }
        fail();
    }
}

static void step_checks(run_t *r)
{
    if (oms_engine_check(r->e) != 0)
        FAIL(r, "engine check failed after seq %llu: %s", (unsigned long long)r->seq, oms_errmsg());
    size_t need = oms_engine_snapshot_size(r->e), len;
    uint8_t *buf = malloc(need);
    OMS_ASSERT_OK(oms_engine_snapshot(r->e, buf, need, &len));
    oms_engine_config_t cfg;
    oms_scenario_config(&cfg);
    oms_engine_t *restored;
    if (oms_engine_restore(&restored, &cfg, buf, len) != 0)
        FAIL(r, "restore of the snapshot after seq %llu failed: %s", (unsigned long long)r->seq,
             oms_errmsg());
    free(buf);
    if (oms_engine_hash(restored) != oms_engine_hash(r->e))
        FAIL(r, "restored engine has another hash after seq %llu", (unsigned long long)r->seq);
    if (oms_engine_check(restored) != 0)
        FAIL(r, "restored engine fails its check: %s", oms_errmsg());
    oms_engine_destroy(r->e);
    r->e = restored;
}

static void apply(run_t *r, const char *s, int expect_refusal)
{
    check_all_consumed(r);
    oms_event_t ev;
    parse_event(r, s, &ev);
    uint64_t before = oms_engine_hash(r->e);
    oms_outbuf_clear(&r->out);
    int rc = oms_engine_apply(r->e, r->seq + 1, r->ts, &ev, &r->out);
    json_decref(r->state);
    r->state = NULL;
    if (expect_refusal) {
        if (rc != -EINVAL)
            FAIL(r, "apply should be refused with -EINVAL, got %d", rc);
        if (oms_engine_hash(r->e) != before || r->out.len)
            FAIL(r, "a refused event changed the state or produced outputs");
        r->nlast = r->cursor = 0;
        return;
    }
    if (rc != 0)
        FAIL(r, "apply failed: %d %s", rc, oms_errmsg());
    r->seq++;
    free(r->last);
    r->nlast = r->out.len;
    r->last = malloc((r->nlast ? r->nlast : 1) * sizeof *r->last);
    memcpy(r->last, r->out.ev, r->nlast * sizeof *r->last);
    r->cursor = 0;
    r->rest_ok = 0;
    step_checks(r);
}

static void expect_output(run_t *r, const char *s)
{
    if (strcmp(s, "...") == 0) {
        r->rest_ok = 1;
        return;
    }
    const char *sp = strchr(s, ' ');
    size_t tlen = sp ? (size_t)(sp - s) : strlen(s);
    if (r->cursor >= r->nlast)
        FAIL(r, "expected another output (%.*s), the event at seq %llu produced only %zu",
             (int)tlen, s, (unsigned long long)r->seq, r->nlast);
    const oms_event_t *ev = &r->last[r->cursor++];
    const oms_event_desc_t *d = oms_event_desc(ev->type);
    char *actual = event_text(ev);
    if (strlen(d->name) != tlen || strncmp(d->name, s, tlen) != 0)
        FAIL(r, "expected output %.*s, got %s", (int)tlen, s, actual);
    json_error_t err;
    json_t *want = json_loads(sp ? sp + 1 : "{}", 0, &err);
    if (!want)
        FAIL(r, "bad JSON: %s", err.text);
    json_t *got = oms_event_to_json(ev);
    const char *key;
    json_t *v;
    json_object_foreach(want, key, v)
    {
        json_t *a = json_object_get(got, key);
        if (!a)
            FAIL(r, "output %s has no field \"%s\"", d->name, key);
        if (!json_equal(a, v)) {
            char *ws = json_dumps(v, JSON_ENCODE_ANY), *as = json_dumps(a, JSON_ENCODE_ANY);
            FAIL(r, "output %s field \"%s\": expected %s, got %s\n  actual: %s", d->name, key, ws,
                 as, actual);
        }
    }
    json_decref(want);
    json_decref(got);
    free(actual);
}

/* Resolves a path like orders[cl_ord_id=C1].ord_status or positions[0].qty. */
static json_t *resolve(run_t *r, json_t *root, const char *path)
{
    json_t *cur = root;
    const char *p = path;
    while (*p) {
        char name[128];
        size_t n = 0;
        while (*p && *p != '.' && *p != '[' && n + 1 < sizeof name)
            name[n++] = *p++;
        name[n] = '\0';
        if (n) {
            cur = json_object_get(cur, name);
            if (!cur)
                FAIL(r, "state path %s: no key \"%s\"", path, name);
        }
        while (*p == '[') {
            const char *end = strchr(p, ']');
            if (!end)
                FAIL(r, "state path %s: unclosed [", path);
            char sel[128];
            snprintf(sel, sizeof sel, "%.*s", (int)(end - p - 1), p + 1);
            p = end + 1;
            if (!json_is_array(cur))
                FAIL(r, "state path %s: [%s] on something that is not an array", path, sel);
            char *eq = strchr(sel, '=');
            json_t *found = NULL;
            if (!eq) {
                found = json_array_get(cur, (size_t)strtoul(sel, NULL, 10));
            } else {
                *eq = '\0';
                size_t i;
                json_t *el;
                json_array_foreach(cur, i, el)
                {
                    json_t *k = json_object_get(el, sel);
                    if (json_is_string(k) && strcmp(json_string_value(k), eq + 1) == 0) {
                        found = el;
                        break;
                    }
                }
                *eq = '=';
            }
            if (!found)
                FAIL(r, "state path %s: nothing matches [%s]", path, sel);
            cur = found;
        }
        if (*p == '.')
            p++;
    }
    return cur;
}

static void expect_state(run_t *r, const char *s)
{
    const char *sp = strchr(s, ' ');
    if (!sp)
        FAIL(r, "state check needs a path and a value");
    char path[256];
    snprintf(path, sizeof path, "%.*s", (int)(sp - s), s);
    json_error_t err;
    json_t *want = json_loads(sp + 1, JSON_DECODE_ANY, &err);
    if (!want)
        FAIL(r, "bad JSON value: %s", err.text);
    if (!r->state)
        r->state = oms_state_to_json(r->e);
    json_t *got = resolve(r, r->state, path);
    if (!json_equal(got, want)) {
        char *ws = json_dumps(want, JSON_ENCODE_ANY), *gs = json_dumps(got, JSON_ENCODE_ANY);
        FAIL(r, "state %s: expected %s, got %s", path, ws, gs);
    }
    json_decref(want);
}

void oms_scenario_run(const char *path)
{
    lines_t L = {0};
    load(&L, path, 0);
    oms_engine_config_t cfg;
    oms_scenario_config(&cfg);
    run_t r;
    memset(&r, 0, sizeof r);
    OMS_ASSERT_OK(oms_engine_create(&r.e, &cfg));
    OMS_ASSERT_OK(oms_outbuf_init(&r.out, 4));
    r.ts = 1796112000000000000LL; /* 2026-12-01T08:00:00Z unless the file says otherwise */
    for (size_t i = 0; i < L.n; i++) {
        r.ln = &L.v[i];
        const char *s = L.v[i].text;
        const char *arg = s[1] == ' ' ? s + 2 : s + 1;
        if (strncmp(s, "seq ", 4) == 0) {
            unsigned long long next = strtoull(s + 4, NULL, 10);
            if (next <= r.seq)
                FAIL(&r, "seq %llu does not follow %llu", next, (unsigned long long)r.seq);
            check_all_consumed(&r);
            r.seq = next - 1;
            continue;
        }
        switch (s[0]) {
        case '@': {
            int64_t ts;
            if (oms_ts_parse(arg, strlen(arg), &ts) < 0 || ts < r.ts)
                FAIL(&r, "bad or backward timestamp \"%s\"", arg);
            r.ts = ts;
            break;
        }
        case '>':
            apply(&r, arg, 0);
            break;
        case '!':
            apply(&r, arg, 1);
            break;
        case '<':
            expect_output(&r, arg);
            break;
        case '=':
            expect_state(&r, arg);
            break;
        default:
            FAIL(&r, "unknown line \"%s\"", s);
        }
    }
    if (L.n) {
        r.ln = &L.v[L.n - 1];
        check_all_consumed(&r);
    }
    json_decref(r.state);
    free(r.last);
    oms_outbuf_free(&r.out);
    oms_engine_destroy(r.e);
    lines_free(&L);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t oms_scenario_list(const char *dir, const char *prefix, char ***out)
{
    DIR *d = opendir(dir);
    char **v = NULL;
    size_t n = 0;
    if (!d) {
        *out = NULL;
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 || len < 5 ||
            strcmp(de->d_name + len - 4, ".scn") != 0)
            continue;
        v = realloc(v, (n + 1) * sizeof *v);
        v[n++] = oms_path_join(dir, de->d_name);
    }
    closedir(d);
    /* strcmp order: a total order on distinct names, so the run order is stable */
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    return n;
}

static void run_one(void **state)
{
    oms_scenario_run(*state);
}

int oms_scenario_group(const char *group_name, const char *prefix)
{
    char **files;
    size_t n = oms_scenario_list(OMS_SCENARIO_DIR, prefix, &files);
    if (n == 0) {
        fprintf(stderr, "no %s*.scn scenarios in %s\n", prefix, OMS_SCENARIO_DIR);
        return 1;
    }
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(files[i], '/');
        tests[i].name = base ? base + 1 : files[i];
        tests[i].test_func = run_one;
        tests[i].initial_state = files[i];
    }
    int rc = _cmocka_run_group_tests(group_name, tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(tests);
    return rc;
}
