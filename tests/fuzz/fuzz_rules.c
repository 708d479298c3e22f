/*
 * fuzz_rules.c - libFuzzer target for dc_ruleset_parse(): any bytes must give a rule set or
 * ERR_INVALID with a line number, never a crash, leak or out-of-bounds read; a rule set that
 * parses must be usable: versions in date order, every category's channels set, and
 * dc_rules_at() picking a version no later than the day asked.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "disclosure/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dc_ruleset *rs = NULL;
    char err[256];
    int rc = dc_ruleset_parse((const char *)data, size, &rs, err, sizeof err);
    if (rc != 0) {
        assert(rc == ERR_INVALID && rs == NULL);
        assert(strncmp(err, "line ", 5) == 0 || err[0] != '\0');
        return 0;
    }
    assert(rs && rs->n_versions > 0);
    for (size_t i = 0; i < rs->n_versions; i++) {
        const struct dc_rules *r = &rs->versions[i];
        if (i > 0)
            assert(date_cmp(rs->versions[i - 1].effective, r->effective) < 0);
        for (int c = 1; c <= DC_N_CATEGORIES; c++)
            assert(r->required[c] != 0);
        const struct dc_rules *at = dc_rules_at(rs, r->effective);
        assert(at == r);
    }
    dc_ruleset_free(rs);
    return 0;
}
