/*
 * main.c - the danchu binary: one program, subcommands in the manner of
 * Fossil. Each subcommand lives in src/app/ and explains itself with --help.
 */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "view/view.h"

struct command {
    const char *name;                  /* what the operator types */
    int (*run)(int argc, char **argv); /* argv[0] is name */
    const char *help;                  /* one line for `danchu --help` */
};

static const struct command commands[] = {
    {"serve", app_cmd_serve, "serve the portal and back office over HTTP"},
    {"demo", app_cmd_demo, "build a demo province into a database and serve it"},
    {"init", app_cmd_init, "create a new database and apply every migration"},
    {"migrate", app_cmd_migrate, "apply migrations not yet applied"},
    {"users", app_cmd_users, "add accounts and grant roles (users add ...)"},
    {"units", app_cmd_units, "list administrative units (units list [--format json])"},
    {"import", app_cmd_import, "import units or the household roll from a file"},
    {"backup", app_cmd_backup, "write a consistent copy of the database while it runs"},
    {"audit", app_cmd_audit, "check that the audit log was not altered (audit verify)"},
    {"escrow", app_cmd_escrow, "the recovery key of sealed denunciations (create, recover)"},
    {"apikeys", app_cmd_apikeys, "keys of Open311 applications (apikeys add, list, revoke)"},
};

static void usage(FILE *f)
{
    fputs("danchu - grassroots democracy platform for a Vietnamese commune\n\n"
          "Usage: danchu COMMAND [OPTIONS]\n\nCommands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
    fputs("\nEvery command takes --db URL (sqlite:PATH or postgres://...), default from\n"
          "danchu.conf in the current folder, else sqlite:danchu.db.\n"
          "Run 'danchu COMMAND --help' for a command's options.\n",
          f);
}

int main(int argc, char **argv)
{
    view_json_mem_init(); /* before any other jansson call */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "danchu: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
