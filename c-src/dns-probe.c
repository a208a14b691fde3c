/*
 * dns-probe: what does getaddrinfo really do against a known DNS server?
 *
 * Why glibc and musl differ here (read in musl 1.2.3 and 1.2.5 src/network/ and glibc 2.41
 * resolv/ and nss/, then measured against dns-fixture in Debian bookworm and trixie containers):
 *   - Nameservers. musl sends every query to ALL nameservers of resolv.conf at once (at most 3)
 *     from one socket and keeps the first reply whose rcode is NOERROR or NXDOMAIN. A SERVFAIL
 *     makes it resend to that server at once (a budget of 2 resends per query in each round) and
 *     is never accepted; REFUSED is ignored (res_msend.c: "Query all configured nameservers in
 *     parallel", "Only accept positive or negative responses"). So the FASTEST server decides:
 *     its NXDOMAIN wins even when another server has the name (gliderlabs/docker-alpine#8).
 *     glibc asks one server at a time, in resolv.conf order, and moves on after a timeout,
 *     SERVFAIL, NOTIMP or REFUSED; an NXDOMAIN from the first server ends the lookup there too
 *     (resolv/res_send.c __res_context_send and send_dg, "thisansp_error"). So the FIRST LISTED
 *     server decides.
 *   - Timeouts. musl: `timeout` (default 5 s, max 60) is the total wait for one name (each search
 *     suffix has its own), resending every timeout/attempts seconds (attempts default 2, max 10;
 *     resolvconf.c, res_msend.c); with only SERVFAIL answers it waits the whole timeout, then
 *     fails with EAI_AGAIN. glibc waits `timeout` seconds for the first server (timeout << ns /
 *     nscount for the others, send_dg) and gives up after `attempts` rounds; a server that only
 *     answers SERVFAIL makes it fail at once.
 *   - A and AAAA. For AF_UNSPEC both libcs send the A and AAAA queries back to back from one UDP
 *     socket (same source port) and wait for both: musl through __res_msend_rc with two queries,
 *     glibc through sendmmsg in send_dg. glibc sends AAAA only after the A answer with `options
 *     single-request` (`single-request-reopen` also takes a new socket). AF_INET asks A only.
 *   - Options. musl reads only `ndots:`, `timeout:` and `attempts:` and ignores every other
 *     option (rotate, single-request, edns0, ...: resolvconf.c). glibc honours them all; with
 *     `rotate` one process alternates its first server from call to call.
 *   - No caching in either libc: every getaddrinfo call goes to the wire (glibc caches only
 *     through nscd, or a local caching resolver such as systemd-resolved).
 *   - Truncation. A UDP reply with TC=1 makes glibc repeat the query over TCP to the same server
 *     (send_dg: "use TCP with same server"), for AF_UNSPEC both A and AAAA. musl does so only
 *     since 1.2.4 (WHATSNEW 1.2.4: "large dns record lookups via tcp fallback"), and only for the
 *     truncated query. musl <= 1.2.3 uses the truncated UDP reply as it is: the records it
 *     carries, or none at all when the server sends an empty TC reply, as CoreDNS does
 *     (coredns#6149, NuGetGallery#9396): then the lookup fails with EAI_NONAME.
 *   - Search domains. musl supports `search`/`domain` since 1.1.13 (WHATSNEW) and honours ndots,
 *     but a name with at least ndots dots is asked only as it is, the suffixes are never tried;
 *     a shorter name tries each suffix, then the bare name (lookup_name.c name_from_dns_search).
 *     glibc asks a name with >= ndots dots as it is first, then with each suffix (resolv/
 *     res_query.c __res_context_search). On SERVFAIL for one suffix glibc goes on to the next;
 *     musl stops the whole lookup with EAI_AGAIN.
 *   - Result codes: a name that exists without the asked type (NODATA) is EAI_NODATA on glibc and
 *     on musl >= 1.2.4 ("new getaddrinfo EAI_NODATA result"), EAI_NONAME on musl <= 1.2.3; the
 *     gai_strerror texts differ too ("Name or service not known" vs "Name does not resolve").
 *   - Sources of truth: musl has no /etc/nsswitch.conf: /etc/hosts first, then DNS, always
 *     (lookup_name.c). glibc follows nsswitch.conf `hosts:`; without the file glibc (2.36 and
 *     2.41 measured) uses "files dns" (nss/nss_database.c per_database_defaults), so both answer
 *     from /etc/hosts without a query; "hosts: dns files" makes glibc ask DNS first.
 *   - glibc AF_UNSPEC with 26 or more addresses repeats the whole lookup, queries included: each
 *     address takes a 40-byte struct gaih_addrtuple (nss/nss.h) in getaddrinfo's scratch buffer,
 *     first 1024 bytes (include/scratch_buffer.h); when they do not fit, the dns module answers
 *     ERANGE (resolv/nss_dns/dns-host.c) and nss/getaddrinfo.c doubles the buffer and asks again.
 *     Measured: 25 addresses one round of queries, 26 to 40 two. AF_INET and musl: one.
 * Sources: resolv.conf(5); musl src/network/res_msend.c, lookup_name.c, resolvconf.c and WHATSNEW;
 * glibc resolv/res_send.c, resolv/res_query.c, nss/getaddrinfo.c, nss/nss_database.c.
 *
 * Usage:
 *   dns-probe one NAME [inet|unspec]      one lookup
 *   dns-probe seq N NAME [inet|unspec]    N lookups one after another
 *   dns-probe par N NAME [inet|unspec]    N lookups in N threads released together by a barrier
 * inet (the default) asks for AF_INET, unspec for AF_UNSPEC. Hints are SOCK_STREAM (each address
 * once) and ai_flags 0: no AI_ADDRCONFIG, which would make glibc drop IPv6 (and on some versions
 * IPv4) answers depending on the container's interfaces rather than on DNS.
 * The threads get an explicit 512 KiB stack so the two libcs' different default thread stacks
 * (see thread-stack.c) play no part here.
 *
 * Facts printed (after all lookups are done, in lookup order):
 *   lookup.I.result      ok | fail
 *   lookup.I.addrs       addresses in the order getaddrinfo returned them, comma separated
 *   lookup.I.count       how many
 *   lookup.I.error       EAI_* name of the failure (the number when unknown)
 *   lookup.I.error_text  gai_strerror text, which differs between the libcs
 *   lookup.I.errno       errno, only for EAI_SYSTEM
 *   lookup.I.ms          duration of that call
 *   mode, name, family, lookups, ok, failed, total_ms (first call start to last call end),
 *   min_ms, max_ms
 * Exit status: 0 when every lookup succeeded, 1 when any failed (a measurement, not an error),
 * 2 for bad usage or when threads could not be started.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "lab-probe.h"

#define MAX_LOOKUPS 1000
#define THREAD_STACK_BYTES (512 * 1024)
#define ADDRS_TEXT_MAX 8192

struct lookup {
  int status; /* getaddrinfo's return */
  int saved_errno;
  double start_ms, end_ms;
  int count;
  char addrs[ADDRS_TEXT_MAX];
};

static const char *name;
static int family;
static struct lookup *lookups;
static pthread_barrier_t barrier;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void run_lookup(struct lookup *l) {
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo *result = NULL;
  l->start_ms = now_ms();
  errno = 0;
  l->status = getaddrinfo(name, NULL, &hints, &result);
  l->saved_errno = errno;
  l->end_ms = now_ms();
  size_t at = 0;
  l->addrs[0] = '\0';
  for (struct addrinfo *ai = result; ai != NULL; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (ai->ai_family == AF_INET)
      inet_ntop(AF_INET, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, text, sizeof text);
    else if (ai->ai_family == AF_INET6)
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, text, sizeof text);
    int n = snprintf(l->addrs + at, sizeof l->addrs - at, "%s%s", at > 0 ? "," : "", text);
    if (n > 0 && (size_t)n < sizeof l->addrs - at) at += (size_t)n;
    l->count++;
  }
  if (result != NULL) freeaddrinfo(result);
}

static void *worker(void *arg) {
  pthread_barrier_wait(&barrier);
  run_lookup(arg);
  return NULL;
}

/* Symbolic names, so reports do not depend on each libc's numbering. The GNU extensions are
 * guarded: musl and glibc define different subsets. */
static const char *eai_name(int code) {
  static const struct {
    int code;
    const char *name;
  } names[] = {
    {EAI_BADFLAGS, "EAI_BADFLAGS"}, {EAI_NONAME, "EAI_NONAME"},     {EAI_AGAIN, "EAI_AGAIN"},
    {EAI_FAIL, "EAI_FAIL"},         {EAI_FAMILY, "EAI_FAMILY"},     {EAI_SOCKTYPE, "EAI_SOCKTYPE"},
    {EAI_SERVICE, "EAI_SERVICE"},   {EAI_MEMORY, "EAI_MEMORY"},     {EAI_SYSTEM, "EAI_SYSTEM"},
    {EAI_OVERFLOW, "EAI_OVERFLOW"},
#ifdef EAI_NODATA
    {EAI_NODATA, "EAI_NODATA"},
#endif
#ifdef EAI_ADDRFAMILY
    {EAI_ADDRFAMILY, "EAI_ADDRFAMILY"},
#endif
#ifdef EAI_INPROGRESS
    {EAI_INPROGRESS, "EAI_INPROGRESS"},
#endif
#ifdef EAI_CANCELED
    {EAI_CANCELED, "EAI_CANCELED"},
#endif
#ifdef EAI_NOTCANCELED
    {EAI_NOTCANCELED, "EAI_NOTCANCELED"},
#endif
#ifdef EAI_ALLDONE
    {EAI_ALLDONE, "EAI_ALLDONE"},
#endif
#ifdef EAI_INTR
    {EAI_INTR, "EAI_INTR"},
#endif
#ifdef EAI_IDN_ENCODE
    {EAI_IDN_ENCODE, "EAI_IDN_ENCODE"},
#endif
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].code == code) return names[i].name;
  return NULL;
}

static int usage(void) {
  fprintf(stderr, "usage: dns-probe one NAME [inet|unspec]\n"
                  "       dns-probe seq|par N NAME [inet|unspec]\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 3) return usage();
  const char *mode = argv[1];
  int n = 1, next = 2;
  if (strcmp(mode, "seq") == 0 || strcmp(mode, "par") == 0) {
    char *end;
    long value = strtol(argv[2], &end, 10);
    if (*end != '\0' || value < 1 || value > MAX_LOOKUPS) return usage();
    n = (int)value;
    next = 3;
  } else if (strcmp(mode, "one") != 0) {
    return usage();
  }
  if (argc < next + 1 || argc > next + 2) return usage();
  name = argv[next];
  const char *family_text = argc == next + 2 ? argv[next + 1] : "inet";
  if (strcmp(family_text, "inet") == 0) family = AF_INET;
  else if (strcmp(family_text, "unspec") == 0) family = AF_UNSPEC;
  else return usage();

  lookups = calloc((size_t)n, sizeof *lookups);
  if (lookups == NULL) return 2;
  if (strcmp(mode, "par") == 0) {
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, THREAD_STACK_BYTES);
    if (threads == NULL || pthread_barrier_init(&barrier, NULL, (unsigned)n) != 0) return 2;
    for (int i = 0; i < n; i++) {
      int error = pthread_create(&threads[i], &attr, worker, &lookups[i]);
      if (error != 0) {
        fprintf(stderr, "dns-probe: pthread_create %d: %s\n", i + 1, strerror(error));
        return 2;
      }
    }
    for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
    pthread_attr_destroy(&attr);
    pthread_barrier_destroy(&barrier);
    free(threads);
  } else {
    for (int i = 0; i < n; i++) run_lookup(&lookups[i]);
  }

  fact("mode", "%s", mode);
  fact("name", "%s", name);
  fact("family", "%s", family_text);
  int ok = 0;
  double first = 0, last = 0, min_ms = 0, max_ms = 0;
  for (int i = 0; i < n; i++) {
    struct lookup *l = &lookups[i];
    char key[64];
    int id = i + 1;
    double ms = l->end_ms - l->start_ms;
    if (i == 0 || l->start_ms < first) first = l->start_ms;
    if (i == 0 || l->end_ms > last) last = l->end_ms;
    if (i == 0 || ms < min_ms) min_ms = ms;
    if (i == 0 || ms > max_ms) max_ms = ms;
    snprintf(key, sizeof key, "lookup.%d.result", id);
    fact(key, "%s", l->status == 0 ? "ok" : "fail");
    if (l->status == 0) {
      ok++;
      snprintf(key, sizeof key, "lookup.%d.addrs", id);
      fact(key, "%s", l->addrs);
    } else {
      const char *symbol = eai_name(l->status);
      snprintf(key, sizeof key, "lookup.%d.error", id);
      if (symbol != NULL) fact(key, "%s", symbol);
      else fact(key, "%d", l->status);
      snprintf(key, sizeof key, "lookup.%d.error_text", id);
      fact(key, "%s", gai_strerror(l->status));
      if (l->status == EAI_SYSTEM) {
        snprintf(key, sizeof key, "lookup.%d.errno", id);
        fact(key, "%s", strerror(l->saved_errno));
      }
    }
    snprintf(key, sizeof key, "lookup.%d.count", id);
    fact(key, "%d", l->count);
    snprintf(key, sizeof key, "lookup.%d.ms", id);
    fact(key, "%.1f", ms);
  }
  fact("lookups", "%d", n);
  fact("ok", "%d", ok);
  fact("failed", "%d", n - ok);
  fact("total_ms", "%.1f", last - first);
  fact("min_ms", "%.1f", min_ms);
  fact("max_ms", "%.1f", max_ms);
  free(lookups);
  return ok == n ? EXIT_SUCCESS : EXIT_FAILURE;
}
