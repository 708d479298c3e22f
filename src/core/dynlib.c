/*
 * dynlib.c - loading a shared library when first needed (dynlib.h).
 */
#include <dlfcn.h>
#include <stdio.h>

#include "core/core.h"
#include "core/dynlib.h"

int dynlib_load(struct dynlib *l, char *err, size_t err_len)
{
    if (__atomic_load_n(&l->loaded, __ATOMIC_ACQUIRE))
        return 0;
    int rc = 0;
    pthread_mutex_lock(&l->mu);
    if (l->loaded)
        goto out;
    void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(err, err_len, "cannot load %s: %s", l->soname, dlerror());
        rc = ERR_UNAVAILABLE;
        goto out;
    }
    for (size_t i = 0; i < l->n; i++) {
        l->slots[i] = dlsym(h, l->names[i]);
        if (!l->slots[i]) {
            snprintf(err, err_len, "%s has no %s", l->soname, l->names[i]);
            dlclose(h);
            rc = ERR_UNAVAILABLE;
            goto out;
        }
    }
    __atomic_store_n(&l->loaded, 1, __ATOMIC_RELEASE);
out:
    pthread_mutex_unlock(&l->mu);
    return rc;
}
