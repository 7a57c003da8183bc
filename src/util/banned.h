/* SPDX-License-Identifier: MIT */
/*
 * banned.h - libc calls m365ir must not use, made into compile errors.
 *
 * Each is either unbounded (strcpy, sprintf), not re-entrant (strtok,
 * gmtime), silent about bad input (atoi), dependent on the host's time zone
 * (localtime, mktime: the audit log is UTC and so are we), or a shell
 * injection waiting to happen (system, popen). Use instead: ir_buf_*,
 * snprintf via ir_buf_addf, ir_parse_* number parsers, ir_time_*, mkstemp.
 * Included last by compat.h, after the system headers that declare these.
 */
#ifndef IR_BANNED_H
#define IR_BANNED_H

#define IR_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) IR_BANNED(strcpy)
#undef strcat
#define strcat(x, y) IR_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) IR_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) IR_BANNED(strncat)
#undef sprintf
#define sprintf(...) IR_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) IR_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) IR_BANNED(strtok)
#undef strtok_r
#define strtok_r(x, y, z) IR_BANNED(strtok_r)
#undef gets
#define gets(x) IR_BANNED(gets)
#undef atoi
#define atoi(x) IR_BANNED(atoi)
#undef atol
#define atol(x) IR_BANNED(atol)
#undef atof
#define atof(x) IR_BANNED(atof)
#undef gmtime
#define gmtime(x) IR_BANNED(gmtime)
#undef localtime
#define localtime(x) IR_BANNED(localtime)
#undef localtime_r
#define localtime_r(x, y) IR_BANNED(localtime_r)
#undef mktime
#define mktime(x) IR_BANNED(mktime)
#undef ctime
#define ctime(x) IR_BANNED(ctime)
#undef asctime
#define asctime(x) IR_BANNED(asctime)
#undef mktemp
#define mktemp(x) IR_BANNED(mktemp)
#undef tmpnam
#define tmpnam(x) IR_BANNED(tmpnam)
#undef system
#define system(x) IR_BANNED(system)
#undef popen
#define popen(x, y) IR_BANNED(popen)

#endif
