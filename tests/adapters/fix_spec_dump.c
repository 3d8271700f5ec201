/*
 * fix_spec_dump.c - prints the FIX codec's tables as JSON on stdout, through the public
 * introspection calls of adapters.h, for check_fix44.py to compare with the FIX 4.4 dictionary.
 * It reads nothing and has no options; the JSON layout is whatever check_fix44.py reads.
 */
#include "adapters.h"

#include <stdio.h>

static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

static void members(const oms_fix_member_t *ms, size_t n)
{
    putchar('[');
    for (size_t i = 0; i < n; i++) {
        printf("%s{\"tag\": %d, \"required\": %s", i ? ", " : "", ms[i].tag,
               ms[i].required ? "true" : "false");
        if (ms[i].group) {
            printf(", \"group\": {\"count_tag\": %d, \"members\": ", ms[i].group->count_tag);
            members(ms[i].group->members, ms[i].group->nmembers);
            putchar('}');
        }
        putchar('}');
    }
    putchar(']');
}

static void tag_list(bool (*has)(const void *, int), const void *ctx)
{
    putchar('[');
    const char *sep = "";
    for (int tag = 0; tag <= OMS_FIX44_MAX_TAG; tag++)
        if (has(ctx, tag)) {
            printf("%s%d", sep, tag);
            sep = ", ";
        }
    putchar(']');
}

static bool defined(const void *ctx, int tag)
{
    (void)ctx;
    return oms_fix44_tag_defined(tag);
}

static bool allowed(const void *ctx, int tag)
{
    const uint64_t *bm = ctx;
    return (bm[tag / 64] >> (tag % 64)) & 1u;
}

int main(void)
{
    size_t n;
    printf("{\"max_tag\": %d,\n \"msg_types_fix44\": [", OMS_FIX44_MAX_TAG);
    const char *const *mt = oms_fix44_msg_types();
    for (size_t i = 0; mt[i]; i++) {
        printf("%s", i ? ", " : "");
        json_str(mt[i]);
    }
    printf("],\n \"defined\": ");
    tag_list(defined, NULL);
    printf(",\n \"data_fields\": [");
    const char *sep = "";
    for (int tag = 1; tag <= OMS_FIX44_MAX_TAG; tag++)
        if (oms_fix_data_length_tag(tag)) {
            printf("%s[%d, %d]", sep, oms_fix_data_length_tag(tag), tag);
            sep = ", ";
        }
    printf("],\n \"fields\": [");
    const oms_fix_field_def_t *defs = oms_fix_field_defs(&n);
    for (size_t i = 0; i < n; i++) {
        const char *const range[] = {"any", "nonneg", "positive"};
        printf("%s\n  {\"tag\": %d, \"name\": ", i ? "," : "", defs[i].tag);
        json_str(defs[i].name);
        printf(", \"type\": ");
        json_str(oms_fix_type_name(defs[i].type));
        printf(", \"range\": \"%s\", \"values\": ", range[defs[i].range]);
        if (!defs[i].values) {
            printf("null");
        } else {
            putchar('[');
            for (size_t k = 0; defs[i].values[k]; k++) {
                printf("%s", k ? ", " : "");
                json_str(defs[i].values[k]);
            }
            putchar(']');
        }
        putchar('}');
    }
    printf("],\n \"header\": ");
    const oms_fix_member_t *h = oms_fix_header_members(&n);
    members(h, n);
    printf(",\n \"trailer\": ");
    h = oms_fix_trailer_members(&n);
    members(h, n);
    printf(",\n \"messages\": [");
    for (int t = OMS_FIX_MSG_UNKNOWN + 1; t < OMS_FIX_MSG_COUNT; t++) {
        const oms_fix_msg_def_t *d = oms_fix_msg_def((oms_fix_msgtype_t)t);
        printf("%s\n  {\"msg_type\": ", t > 1 ? "," : "");
        json_str(d->msg_type);
        printf(", \"name\": ");
        json_str(d->name);
        printf(", \"id_tag\": %d,\n   \"members\": ", d->id_tag);
        members(d->members, d->nmembers);
        printf(",\n   \"rules\": [");
        for (size_t r = 0; r < d->nrules; r++) {
            const oms_fix_rule_t *rule = &d->rules[r];
            printf("%s{\"group\": %d, \"if_tag\": %d, \"if_values\": ", r ? ", " : "",
                   rule->group, rule->if_tag);
            if (rule->if_values)
                json_str(rule->if_values);
            else
                printf("null");
            printf(", \"need\": [");
            for (size_t k = 0; k < 3 && rule->need[k]; k++)
                printf("%s%d", k ? ", " : "", rule->need[k]);
            printf("], \"text\": ");
            json_str(rule->text);
            putchar('}');
        }
        printf("],\n   \"allowed\": ");
        tag_list(allowed, d->allowed);
        putchar('}');
    }
    printf("],\n \"flows\": {");
    const char *const flows[OMS_FIX_FLOW_COUNT] = {"from_client", "to_client", "to_venue",
                                                   "from_venue", "market_data", "any"};
    for (int f = 0; f < OMS_FIX_FLOW_COUNT; f++) {
        printf("%s\"%s\": [", f ? ", " : "", flows[f]);
        sep = "";
        for (int t = OMS_FIX_MSG_UNKNOWN + 1; t < OMS_FIX_MSG_COUNT; t++)
            if (oms_fix_flow_accepts((oms_fix_flow_t)f, (oms_fix_msgtype_t)t)) {
                printf("%s", sep);
                json_str(oms_fix_msg_def((oms_fix_msgtype_t)t)->msg_type);
                sep = ", ";
            }
        putchar(']');
    }
    printf("}}\n");
    return ferror(stdout) ? 1 : 0;
}
