/*
 * internal.h - shared by the files of src/decision only. Other modules use decision.h.
 */
#ifndef DANCHU_DECISION_INTERNAL_H
#define DANCHU_DECISION_INTERNAL_H

#include "auth/auth.h"
#include "core/rows.h"
#include "decision/decision.h"
#include "units/units.h"

/* A choice, as stored (decision_votes.choice, decision_ballots.choice). */
enum dm_choice {
    DM_APPROVE = 1, /* tán thành */
    DM_REJECT = 2,  /* không tán thành */
    DM_OTHER = 3,   /* ý kiến khác */
};

/* Length of a ballot card's one-time code (letters and digits people can read aloud). */
#define DM_CODE_LEN 10
/* Length of a receipt. */
#define DM_RECEIPT_LEN 12

/* A matter as stored. Strings are arena memory; dates "yyyy-mm-dd" or "". */
struct dm_item {
    int64_t id, unit_id;
    enum dm_matter matter;
    const char *title, *question, *body, *proposer;
    unsigned forms; /* mask of 1u << enum dm_form */
    int secret;
    const char *status; /* draft, notified, voting, counted, annulled */
    const char *tabled_on, *notice_on, *meeting_on, *ballot_deadline;
    int64_t online_optin_agree; /* -1: no opt-in poll recorded */
    int64_t online_opens_at, online_closes_at;
    const char *card_key; /* hex; the cards' codes derive from it */
    int64_t roll_frozen_at, households_total, counted_at;
    int64_t approve, reject, other, households_voted;
    int passed;
    const char *decision_text, *sent_on, *recognition, *recognition_on, *recognition_note;
    const char *annulled_reason;
    int64_t created_at;
    /* preparation: documents to households (M1-M3), the ballot/online team (names one a line,
     * the leader first; its IT member), the ballot plan issued and sent, distribution day */
    const char *documents_on, *team, *team_it, *plan_issued_on, *plan_sent_on, *distribution_on;
    int64_t commune_id; /* the commune-wide matter this village's vote is part of, 0 if none */
    /* D9: the UBND's written request to amend (reasons, day "yyyy-mm-dd"), and the decision this
     * matter amends (0 if none) */
    const char *amend_request, *amend_requested_on;
    int64_t amends_id;
    const char *front_agreed_on; /* D2: the day the Ban CTMT agreed to the head's matter, or "" */
};

/* A new matter (writer thread). */
struct dm_new {
    int64_t actor, unit_id;
    enum dm_matter matter;
    const char *title, *question, *body, *proposer;
    unsigned forms;
    int secret;
    const char *tabled_on;
    int64_t commune_id;          /* a village's part of a commune-wide matter, or 0 */
    int64_t amends_id;           /* the decision this one amends (D9), or 0 */
    const char *front_agreed_on; /* D2: the day the Ban CTMT agreed ("yyyy-mm-dd"), or NULL */
    int64_t id;                  /* out */
};

/* ---- labels (env.c) ---- */
const char *dm_matter_label(enum dm_matter m);
const char *dm_form_label(enum dm_form f);
/* The labels of a mask of forms (1u << enum dm_form), joined by "; ", in arena a ("" for none). */
const char *dm_forms_text(struct arena *a, unsigned forms);
const char *dm_choice_label(enum dm_choice c);
const char *dm_status_label(const char *status);

/* ---- codes (env.c) ---- */
/* The one-time code of household hid's card for a matter with card_key (hex): DM_CODE_LEN
 * characters of an alphabet without look-alikes, into out (DM_CODE_LEN + 1). */
void dm_card_code(const char *card_key, int64_t decision_id, int64_t hid, char *out);
/* The stored hash of a code (hex, 65 bytes), after upper-casing and dropping spaces/dashes. */
void dm_code_hash(const char *code, char *out);
/* A new random receipt (DM_RECEIPT_LEN + 1). */
void dm_receipt_new(char *out);

/* ---- store.c ---- */
int dm_store_create(struct db *db, struct dm_new *in);
int dm_store_get(struct db *db, struct arena *a, int64_t id, struct dm_item *out);
/* Matters of the unit and the villages below it, newest first (id, unit_id, village, matter,
 * title, status, tabled_on, meeting_on, households_total, households_voted, approve, reject,
 * other, passed, counted_at). */
int dm_store_list(struct db *db, struct arena *a, int64_t unit_id, struct rows **out);
/* Issues the notice: freezes the roll of the village's active households (D1) and makes the
 * card key. ERR_CONFLICT unless a draft. */
int dm_store_notify(struct db *db, int64_t actor, int64_t id, const char *notice_on,
                    const char *meeting_on, const char *ballot_deadline);
/* The frozen roll with who voted how: household_id, code, address, representative, status
 * (active/moved_out...), channel ('' when not yet). */
int dm_store_roll(struct db *db, struct arena *a, int64_t id, struct rows **out);
/* Records that household hid took part through channel (meeting, ballot, online) with choice
 * (0 unless an open online vote). ERR_NOT_FOUND: not on the frozen roll; ERR_FORBIDDEN: it has left
 * the village; ERR_CONFLICT: the household already took part (any channel). */
int dm_store_take_part(struct db *db, int64_t id, int64_t hid, const char *channel, int choice);
/* An online vote: takes part, and in a secret vote stores the choice with receipt alone. */
int dm_store_vote_online(struct db *db, int64_t id, int64_t hid, int choice, int secret,
                         const char *receipt);
/* A count from paper or hands (source meeting or ballot; cluster "" or a cluster's name). */
struct dm_tally_in {
    int64_t actor, id, unit_id;
    const char *source, *cluster, *method, *board, *witnesses, *secretary;
    int approve, reject, other, invalid;
    int secretary_votes, method_votes; /* a meeting's votes electing its secretary and choosing
                                          the method (D4), -1 when not recorded */
};
int dm_store_tally(struct db *db, const struct dm_tally_in *in);
int dm_store_tallies(struct db *db, struct arena *a, int64_t id, struct rows **out);
/* Participation by channel: meeting, ballot, online. */
int dm_store_turnout(struct db *db, int64_t id, int64_t *meeting, int64_t *ballot, int64_t *online);
/* Makes the cards of the roll's households that have not taken part (code hashes from
 * dm_card_code). Returns how many were made in *n. */
int dm_store_cards_make(struct db *db, int64_t actor, const struct dm_item *d, int64_t *n);
/* The cards with their households (household_id, code, address, representative, delivered_at,
 * collected_at). */
int dm_store_cards(struct db *db, struct arena *a, int64_t id, struct rows **out);
/* The card of a code hash: its matter and household. ERR_NOT_FOUND. */
int dm_store_card_find(struct db *db, const char *code_hash, int64_t *id, int64_t *hid,
                       int64_t *collected_at);
/* Marks a card delivered, or collected (which takes part through the ballot channel). */
int dm_store_card_mark(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int64_t hid,
                       int collected);
/* The opt-in poll's count of households agreeing to vote online (D6), and the online window. */
int dm_store_online(struct db *db, int64_t actor, int64_t id, int64_t unit_id, int64_t agree,
                    int64_t opens_at, int64_t closes_at);
/* The sums: tallies plus online choices (ballots when secret, votes when open). */
int dm_store_sums(struct db *db, int64_t id, int secret, int64_t *approve, int64_t *reject,
                  int64_t *other, int64_t *voted);
/* Saves the count (status counted). */
int dm_store_counted(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                     const struct dr_result *r, const char *decision_text);
/* Receipts of a secret online vote, sorted (receipt, choice). */
int dm_store_receipts(struct db *db, struct arena *a, int64_t id, struct rows **out);
/* The household an account represents (accounts.household_id), 0 when none. */
int dm_store_account_household(struct db *db, int64_t account_id, int64_t *hid);
/* Roll changes since the freeze, logged then listed (household_id, code, change). */
int dm_store_roll_changes(struct db *db, struct arena *a, int64_t id, struct rows **out);

/* After the count: the decision sent to the UBND and the MTTQ (D4: within 5 working days), the
 * recognition or refusal (D8: outcome "recognised" or "refused", with its reasons), the
 * annulment (D9). ERR_CONFLICT when the state does not allow it. */
int dm_store_sent(struct db *db, int64_t actor, int64_t id, int64_t unit_id, const char *sent_on);
int dm_store_recognise(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                       const char *outcome, const char *on, const char *note);
int dm_store_annul(struct db *db, int64_t actor, int64_t id, int64_t unit_id, const char *reason);
/* D9: the UBND asks in writing, with reasons, that a counted decision be amended (once). */
int dm_store_amend_request(struct db *db, int64_t actor, int64_t id, int64_t unit_id,
                           const char *on, const char *reason);
/* The matters amending decision id, oldest first: id, title, status, passed. */
int dm_store_amendments(struct db *db, struct arena *a, int64_t id, struct rows **out);

/* Elections with two or more candidates (decision_elections.candidates, one a line) are counted
 * per candidate. *names (arena) and *n (0 for a plain yes/no matter, at most DM_MAX_CANDIDATES). */
#define DM_MAX_CANDIDATES 10
int dm_store_candidates(struct db *db, struct arena *a, int64_t id, const char ***names, size_t *n);
/* A count with each candidate's votes (the tally row's approve is their sum). */
int dm_store_candidate_tally(struct db *db, const struct dm_tally_in *in, const char *const *names,
                             const int *votes, size_t n);
/* Votes per candidate, most first (candidate, votes). */
int dm_store_candidate_sums(struct db *db, struct arena *a, int64_t id, struct rows **out);

/* Records d's preparation fields (documents_on ... distribution_on). */
int dm_store_prepare(struct db *db, int64_t actor, const struct dm_item *d);

/* Matters of the commune's villages counted in [from, to) (unix times), oldest first: id,
 * village, matter, title, forms, households_total, households_voted, approve, reject, other,
 * passed, recognition, counted_at, status. */
int dm_store_period(struct db *db, struct arena *a, int64_t unit_id, int64_t from, int64_t to,
                    struct rows **out);
extern const struct http_route dm_report_routes[];
extern const size_t dm_report_n_routes;

/* ---- commune-wide matters (commune.c, store_commune.c; DOMAIN D1, D2) ---- */
/* A commune-wide M1/M2 as stored. Dates "yyyy-mm-dd" or "". */
struct dm_commune {
    int64_t id, unit_id;
    enum dm_matter matter;
    const char *title, *question, *body;
    unsigned forms;
    int secret;
    const char *front_agreed_on, *tabled_on, *status, *effective_on; /* status: open, decided */
    int64_t villages_total, villages_passed, decided_at, created_at;
    int passed;
};
/* A new one, with one village matter per village (writer thread). */
struct dm_commune_new {
    int64_t actor, unit_id;
    enum dm_matter matter;
    const char *title, *question, *body;
    unsigned forms;
    int secret;
    const char *front_agreed_on, *tabled_on;
    const int64_t *villages; /* unit ids */
    size_t n_villages;
    int64_t id; /* out */
};
/* The conclusion (writer thread): in, the matter, its rules and the effective day; out, the
 * villages' count and whether it passed. */
struct dm_commune_decision {
    int64_t actor, id, unit_id;
    const struct dr_rules *rules;
    const char *effective_on;
    int64_t villages_total, villages_passed; /* out */
    int passed;                              /* out */
};
/* The villages' results as counted so far. */
struct dm_commune_count {
    int64_t total, done, passed; /* done: counted or annulled; passed: counted and passed */
};
int dm_commune_create(struct db *db, struct dm_commune_new *in);
int dm_commune_get(struct db *db, struct arena *a, int64_t id, struct dm_commune *out);
/* The commune's matters, newest first: id, matter, title, status, villages_total,
 * villages_passed, passed, tabled_on, effective_on, villages_done. */
int dm_commune_list(struct db *db, struct arena *a, int64_t unit_id, struct rows **out);
/* Its village matters by village code: id, code, name, status, households_total,
 * households_voted, approve, reject, other, passed, matter. */
int dm_commune_villages(struct db *db, struct arena *a, int64_t id, struct rows **out);
void dm_commune_tally(const struct rows *villages, struct dm_commune_count *c);
/* The commune's matters concluded in [from, to) (unix times), oldest first: id, matter, title,
 * forms, villages_total, villages_passed, passed, effective_on, decided_at, and over its
 * villages, households that voted and all households (D12). */
int dm_commune_period(struct db *db, struct arena *a, int64_t unit_id, int64_t from, int64_t to,
                      struct rows **out);
/* Concludes from the villages' rows as they stand in the write: ERR_CONFLICT while a village has
 * not counted, or when already concluded. */
int dm_commune_decide(struct db *db, struct dm_commune_decision *in);
extern const struct http_route dm_commune_routes[];
extern const size_t dm_commune_n_routes;

/* ---- handlers' shared helpers ---- */
/* A parameter, "" when absent; trimmed and copied into the request's arena. */
const char *dm_param(struct http_request *r, const char *name);
const char *dm_trimmed(struct http_request *r, const char *name);
/* A day as "yyyy-mm-dd" / "dd/mm/yyyy" in arena a; a stored "yyyy-mm-dd" as "dd/mm/yyyy" ("" for
 * none). */
const char *dm_iso(struct arena *a, struct date d);
const char *dm_vn(struct arena *a, struct date d);
const char *dm_vn_iso(struct arena *a, const char *iso);
/* "Trưởng thôn", or "Tổ trưởng tổ dân phố" for a residential group. */
const char *dm_head_title(const struct unit *v);
/* The village head's page of d (admin.c); the preparation part of its model (prepare.c). */
int dm_manage_page(struct http_request *r, struct http_response *res, const struct dm_item *d,
                   const struct unit *v);
int dm_prepare_model(struct http_request *r, const struct dm_item *d, json_t *m);
extern const struct http_route dm_prepare_routes[];
extern const size_t dm_prepare_n_routes;
/* Household hid consents to initiative id (D2) on given_on ("yyyy-mm-dd"), online or on paper
 * (entered by actor); given again, the day is renewed. ERR_FORBIDDEN: not an active household
 * of the village. */
int dm_store_consent(struct db *db, int64_t actor, int64_t id, int64_t village_id, int64_t hid,
                     const char *given_on, int paper);
/* Consents still valid (given on or after valid_from) of households still in the village, and
 * the village's active households today. */
int dm_store_consents(struct db *db, int64_t id, int64_t village_id, const char *valid_from,
                      int64_t *valid, int64_t *households);

/* The village of household hid; ERR_FORBIDDEN when it is no longer active. */
int dm_store_household_village(struct db *db, int64_t hid, int64_t *village_id);
/* Initiatives (initiative.c): the consent part of a draft's result model, and its routes. */
int dm_initiative_model(struct http_request *r, const struct dm_item *d, const struct unit *v,
                        json_t *m);
extern const struct http_route dm_initiative_routes[];
extern const size_t dm_initiative_n_routes;
/* Village covenants (DOMAIN G, covenant.h): the back office's pages (covenant.c), the steps
 * (covenant_steps.c), the documents (covenant_docs.c), the public pages (covenant_public.c). */
extern const struct http_route dm_covenant_routes[];
extern const size_t dm_covenant_n_routes;
extern const struct http_route dm_covenant_step_routes[];
extern const size_t dm_covenant_step_n_routes;
extern const struct http_route dm_covenant_doc_routes[];
extern const size_t dm_covenant_doc_n_routes;
extern const struct http_route dm_covenant_public_routes[];
extern const size_t dm_covenant_public_n_routes;

/* The result page of d (public.c), and the follow-up part of its model: sending, recognition,
 * annulment with their deadlines and who may act (recognise.c). */
int dm_result_page(struct http_request *r, struct http_response *res, const struct dm_item *d,
                   const struct unit *v);
int dm_followup_model(struct http_request *r, const struct dm_item *d, const struct unit *v,
                      json_t *m);
struct decision_env *dm_env(struct http_request *r);
const struct dr_rules *dm_rules_for(const struct decision_env *env, const struct dm_item *d);
/* The rules in force on day d, or on the stored day iso ("yyyy-mm-dd"); the oldest version for
 * a day before every version or an unreadable one. */
const struct dr_rules *dm_rules_day(const struct decision_env *env, struct date d);
const struct dr_rules *dm_rules_on(const struct decision_env *env, const char *iso);
/* The matter of capture "id" and its village; ERR_NOT_FOUND for drafts unless r may manage. */
int dm_access(struct http_request *r, struct dm_item *d, struct unit *village, int *manage);
json_t *dm_item_json(struct http_request *r, const struct dm_item *d, const struct unit *v);

extern const struct http_route dm_public_routes[];
extern const size_t dm_public_n_routes;
extern const struct http_route dm_admin_routes[];
extern const size_t dm_admin_n_routes;
extern const struct http_route dm_doc_routes[];
extern const size_t dm_doc_n_routes;
extern const struct http_route dm_recognise_routes[];
extern const size_t dm_recognise_n_routes;
/* Elections and dismissals (election.c, D10, F1, F2); the annual conference (conference.c, D11). */
extern const struct http_route dm_election_routes[];
extern const size_t dm_election_n_routes;
extern const struct http_route dm_conference_routes[];
extern const size_t dm_conference_n_routes;

#endif
