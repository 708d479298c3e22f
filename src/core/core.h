/*
 * core.h - the public header of src/core: everything below http, view and
 * store. Modules include this one header.
 */
#ifndef DANCHU_CORE_H
#define DANCHU_CORE_H

#include "core/arena.h"
#include "core/calendar.h"
#include "core/config.h"
#include "core/embed.h"
#include "core/err.h"
#include "core/log.h"
#include "core/rows.h"
#include "core/str.h"
#include "core/utf8.h"

#endif
