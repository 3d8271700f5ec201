/*
 * cmd_keygen.c - `oms keygen [--json]`: a new CURVE key pair in Z85 (oms_curve_keypair).
 *
 * The secret key goes to stdout only: redirect it into a file only the engine's (or the
 * client's) user can read. The output format ("public: ..." and "secret: ..." lines) is what
 * `oms load --curve-keys FILE` reads, so pairs can be appended to a keys file as they are made.
 */
#include "cli.h"

#include "adapters.h"

#include <stdio.h>
#include <stdlib.h>

static const char keygen_help[] =
    "usage: oms keygen [--json]\n"
    "\n"
    "Prints a new CURVE key pair, each key 40 characters of Z85:\n"
    "  public: <key>     for the allowlist of whoever accepts the connection (the engine's\n"
    "                    [client]/[admin] public_key, a venue's allowed keys)\n"
    "  secret: <key>     for the one who holds the pair; keep it out of logs and shared files\n"
    "\n"
    "  --json    one JSON object: {\"public\":\"...\",\"secret\":\"...\"}\n";

static int run_keygen(int argc, char **argv)
{
    const char *cmd = "keygen";
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    bool json = false;
    oms__cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h': return oms__cli_help(keygen_help);
        default: return oms__cli_bad_option(cmd, c, argv);
        }
    }
    int rc = oms__cli_operands(cmd, argc, argv, 0, "no arguments");
    if (rc)
        return rc;
    oms_curve_pair_t kp;
    if (oms_curve_keypair(&kp))
        return oms__cli_fail_err(cmd, "making a key pair");
    if (json) {
        json_t *o = json_pack("{s:s, s:s}", "public", kp.public_key, "secret", kp.secret_key);
        char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!s)
            return oms__cli_fail(cmd, "out of memory");
        printf("%s\n", s);
        free(s);
    } else {
        printf("public: %s\nsecret: %s\n", kp.public_key, kp.secret_key);
    }
    return OMS_EXIT_OK;
}

const oms_cli_command_t oms__cmd_keygen = {
    "keygen",
    "make a CURVE key pair (Z85) for clients, admins, venues or the engine",
    run_keygen,
    keygen_help,
};
