/*
 * Output helpers shared by the probes. Every fact a probe reports is one `key=value` line on
 * stdout, which the harness parses into the report's measurements (lab/classify/measurements.ts).
 * Output is flushed at once so a later crash cannot swallow lines already printed.
 */
#ifndef LAB_PROBE_H
#define LAB_PROBE_H

#include <stdarg.h>
#include <stdio.h>

static void fact(const char *key, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static void fact(const char *key, const char *format, ...) {
  va_list args;
  va_start(args, format);
  printf("%s=", key);
  vprintf(format, args);
  printf("\n");
  va_end(args);
  fflush(stdout);
}

#endif
