/* SPDX-License-Identifier: MIT */
/*
 * compat.h - included first by every .c file of m365ir.
 *
 * It pulls in the few standard headers that nearly every file needs and the
 * attribute macros the headers use, and finally banned.h so that unsafe libc
 * calls are compile errors everywhere (git's trick). Anything
 * platform-specific belongs here and nowhere else.
 */
#ifndef IR_COMPAT_H
#define IR_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fallible function whose result must be looked at (curl's dynbuf.h). */
#define IR_MUST_CHECK __attribute__((warn_unused_result))
/* printf-style argument checking for our formatting helpers. */
#define IR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define IR_NORETURN __attribute__((noreturn))

#define IR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#include "util/banned.h"

#endif
