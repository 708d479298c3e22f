/*
 * fuzz_rollcsv.c - libFuzzer target for rollfile_parse(): any bytes (CSV
 * in any encoding, or a ZIP taken for an XLSX) must give rows and errors
 * without crashing, leaking or reading out of bounds, and what comes out
 * must hold together (rows grouped by household, errors in line order).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "units/rollfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct roll_village villages[] = {
        {1, "0101", "Thôn Đông"}, {2, "0102", "Thôn Đoài"}, {3, "0103", "Tổ dân phố 1"}};
    struct roll_opts opts = {{2026, 11, 23}, villages, 3};
    struct arena *a = arena_new(0);
    struct roll_file rf;
    rollfile_parse(a, (const char *)data, size, size % 2 ? &opts : NULL, &rf);
    size_t members = 0;
    for (size_t i = 0; i < rf.n_households; i++) {
        const struct roll_household *h = &rf.households[i];
        assert(h->n_members > 0 && h->first_row + h->n_members <= rf.n_rows);
        assert(h->representative_row < (ptrdiff_t)rf.n_rows);
        for (size_t k = 0; k < h->n_members; k++)
            assert(strcmp(rf.rows[h->first_row + k].household_code, h->code) == 0);
        members += h->n_members;
    }
    assert(members == rf.n_rows);
    for (size_t i = 1; i < rf.n_errors; i++)
        assert(rf.errors[i - 1].line <= rf.errors[i].line);
    arena_free(a);
    return 0;
}
