/*
 * dynlib.c - loading a shared library when first needed (dynlib.h).
 */
#include <dlfcn.h>
#include <stdio.h>

#include "core/core.h"
#include "core/dynlib.h"

int dynlib_load(const char *soname, const char *const *names, void **fns, size_t n, char *err,
                size_t err_len)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(err, err_len, "cannot load %s: %s", soname, dlerror());
        return ERR_UNAVAILABLE;
    }
    for (size_t i = 0; i < n; i++) {
        fns[i] = dlsym(h, names[i]);
        if (!fns[i]) {
            snprintf(err, err_len, "%s has no %s", soname, names[i]);
            return ERR_UNAVAILABLE;
        }
    }
    return 0;
}
