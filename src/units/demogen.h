/*
 * demogen.h - deterministic generator of the demo population (internal to units).
 *
 * `danchu demo` fills a fresh database with one made-up province, two
 * communes (a phường and a xã), their tổ dân phố and thôn, and a few thousand
 * households whose members have realistic Vietnamese names, birth dates,
 * phones and CCCD numbers. This file only invents the data; inserting it is
 * the caller's job. The same seed always gives the same people, so a demo,
 * a screenshot or a failing test can be reproduced.
 *
 * All state lives in struct demogen (xoshiro256** seeded through
 * splitmix64); there is no global state and rand() is never used. Every
 * string handed out is NFC UTF-8 and either static or allocated in the arena
 * the caller passes, which owns it.
 *
 * Demo data is fiction by construction: the province code 99 is not an
 * official code (official ones run 01..96), and every CCCD starts with the
 * matching birth-place code 099, which no real card carries. Phone numbers
 * use real mobile prefixes and so may belong to someone: never send SMS or
 * calls to demo members.
 */
#ifndef DANCHU_UNITS_DEMOGEN_H
#define DANCHU_UNITS_DEMOGEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

/* Generator state. Initialise with demogen_init(); copy it to fork a stream. */
struct demogen {
    uint64_t s[4];       /* xoshiro256** state, never all zero */
    uint32_t n_ids;      /* CCCD numbers issued so far; unique for the first million */
    uint32_t n_phones;   /* phone numbers issued so far; unique for the first ten million */
    uint32_t id_base;    /* per-seed offset of the CCCD serial permutation */
    uint32_t phone_base; /* per-seed offset of the phone serial permutation */
};

/* Unit kinds of the demo tree; demogen_kind_text() gives the units.kind value. */
enum demo_kind {
    DEMO_PROVINCE,          /* tỉnh */
    DEMO_COMMUNE_RURAL,     /* xã */
    DEMO_WARD,              /* phường */
    DEMO_VILLAGE,           /* thôn, below a xã */
    DEMO_RESIDENTIAL_GROUP, /* tổ dân phố, below a phường */
};

/* One administrative unit of the demo tree. */
struct demo_unit {
    const char *code;        /* official-style code: 2 digits, 5 digits, or 5+2 for villages */
    enum demo_kind kind;     /* what the unit is */
    const char *name;        /* full name with its type word, e.g. "Xã Hòa Bình" */
    const char *parent_code; /* code of the parent unit, NULL for the province */
    int n_households;        /* households to generate in a village, 0 above villages */
};

/* One person of a demo household. */
struct demo_member {
    const char *full_name;   /* "Nguyễn Văn Hùng", NFC, in the arena */
    const char *gender;      /* "nam" or "nu" (static) */
    const char *birth;       /* "yyyy-mm-dd", or "yyyy" as on old rolls; in the arena */
    int birth_year;          /* the year of birth, also when birth has only the year */
    const char *relation;    /* to the head: "chủ hộ", "vợ", "chồng", "con", "con dâu",
                                "con rể", "bố", "mẹ", "cháu" (static) */
    const char *phone;       /* "" or 10 digits such as "0912345678"; in the arena */
    const char *national_id; /* "" or the 12-digit CCCD; in the arena */
    int father;              /* index in the household of the father, -1 if not in it */
    int mother;              /* index in the household of the mother, -1 if not in it */
};

/* Most members a demo household can have. */
#define DEMOGEN_MAX_MEMBERS 12

/* A household; members[0] is always the head (chủ hộ). */
struct demo_household {
    struct demo_member members[DEMOGEN_MAX_MEMBERS]; /* members[0 .. n_members) */
    size_t n_members;                                /* 1 .. DEMOGEN_MAX_MEMBERS */
};

/* Seeds g; any seed, 0 included, is fine. */
void demogen_init(struct demogen *g, uint64_t seed);

/* Next 64 random bits of g. */
uint64_t demogen_next(struct demogen *g);

/* Uniform integer in [0, n); n must be at least 1. */
uint32_t demogen_below(struct demogen *g, uint32_t n);

/*
 * Fills *out with one plausible household as of year_now: a head aged
 * 25..85, usually a spouse, children, sometimes the head's parents or
 * grandchildren, sometimes an old person living alone. Strings are
 * allocated in a. Returns 0, or ERR_INVALID when year_now is outside
 * 1990..2200.
 */
int demogen_household(struct demogen *g, struct arena *a, int year_now, struct demo_household *out);

/*
 * An address inside a village, allocated in a: "Số 12, ngõ 5, Tổ dân phố số 3"
 * for a tổ dân phố, "Xóm Đông, Thôn Đông Lao" for a thôn. village_name is
 * the unit's full name. Streets and hamlets depend on the village name only,
 * so one tổ dân phố always shows the same few streets. Kinds other than
 * DEMO_VILLAGE get the street style.
 */
char *demogen_address(struct demogen *g, struct arena *a, const char *village_name,
                      enum demo_kind kind);

/*
 * The demo's fixed unit tree, parents before children: one province, a
 * phường with its tổ dân phố and a xã with its thôn. Static; *n_units gets
 * the count.
 */
const struct demo_unit *demogen_units(size_t *n_units);

/* The units.kind value of a kind: "province", "commune_rural", "ward", ... */
const char *demogen_kind_text(enum demo_kind kind);

#endif
