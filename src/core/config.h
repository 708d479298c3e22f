/*
 * config.h - danchu.conf (an INI file read with libinih) plus flags.
 *
 * Precedence: command-line flag > config file > built-in default.
 * Keys (section [danchu] or none):
 *   db        = sqlite:danchu.db | postgres://user@host/db
 *   listen    = 127.0.0.1:8080
 *   base_url  = https://dan-chu.example.gov.vn   (links, feeds, QR codes; https → Secure cookies)
 *   threads   = 0                                  HTTP workers (0: one per processor, 4-8)
 *   calendar_dir = /etc/danchu/calendar            operator's holiday tables
 *   sms_webhook  = http://127.0.0.1:9000/sms       SMS gateway (HTTP webhook)
 *   smtp_url      = smtp://127.0.0.1:25 | smtps://mail.example.vn   outbox e-mail ("" = waits)
 *   smtp_from     = UBND xã <no-reply@xa.example.gov.vn>           its sender
 *   smtp_user     = ...  smtp_password = ...       SMTP AUTH, "" for none
 *   notify_webhook = https://gateway.example.vn/notify  default outbox webhook
 *   submit_per_hour = 20    public submissions (registrations, feedback) per address per hour;
 *                           0 = no limit (a load test, or a commune behind one address)
 */
#ifndef DANCHU_CORE_CONFIG_H
#define DANCHU_CORE_CONFIG_H

struct config {
    char db[512];             /* database URL */
    char listen[128];         /* ADDR:PORT */
    char base_url[512];       /* public URL without trailing slash */
    int threads;              /* HTTP worker threads */
    char calendar_dir[512];   /* operator calendar overrides, "" for none */
    char sms_webhook[512];    /* SMS gateway URL, "" for none */
    char smtp_url[256];       /* outbox e-mail server URL, "" for none (e-mail waits) */
    char smtp_from[320];      /* From of outbox e-mail: "Name <address>" or an address */
    char smtp_user[128];      /* SMTP AUTH user, "" for none */
    char smtp_password[128];  /* its password */
    char notify_webhook[512]; /* outbox webhook for messages queued without a URL, "" for none */
    int submit_per_hour;      /* public submissions per address per hour, 0 = unlimited */
    int secure_cookies;       /* derived: base_url starts with https:// */
};

/* Fills defaults. */
void config_defaults(struct config *c);
/*
 * Reads path into c. A missing file is not an error when required is 0.
 * Returns 0 or ERR_INVALID / ERR_IO with a message in err.
 */
int config_load(struct config *c, const char *path, int required, char *err, unsigned err_len);
/* Sets one key; 0 or ERR_INVALID for an unknown key or bad value. */
int config_set(struct config *c, const char *key, const char *value);

#endif
