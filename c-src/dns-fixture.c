/*
 * dns-fixture: a hermetic fake DNS server for the DNS scenarios.
 *
 * Why it exists: glibc and musl resolve names very differently (musl asks every nameserver at
 * once and takes the first usable reply, glibc asks them one after another; musl < 1.2.4 has no
 * TCP fallback for truncated replies; search/ndots order differs), and none of that can be shown
 * against a real resolver without network access and without its cache hiding the queries. This
 * server runs inside the probe container's own network namespace (`--network none`, only `lo`),
 * answers from a small config file, misbehaves on request (delay, drop, SERVFAIL, NXDOMAIN,
 * REFUSED, truncation) and logs every query it receives, so a scenario can assert what the libc
 * really sent. It is built like any probe, dynamically linked against the target's own libc (see
 * sidecarBuild in lab/run/sidecar.ts), and runs beside the probe in the same container. Protocol:
 * RFC 1035 (sections 4.1 message format, 4.2.1 UDP 512-byte limit, 4.2.2 TCP length prefix),
 * RFC 7766 (TCP: several queries per connection, idle timeouts), RFC 2308 (NODATA vs NXDOMAIN).
 *
 * Usage: dns-fixture CONFIG LOG
 *   Reads CONFIG, binds every socket, opens LOG (truncated), then daemonizes: the parent exits 0
 *   once the child is listening and has written its pidfile, or exits 2 with one line on stderr
 *   (config errors name the line). SIGTERM or SIGINT end the child cleanly: sockets closed, log
 *   flushed, then the pidfile removed, so "pidfile gone" means port 53 is free again.
 *
 * Config (one directive a line, `#` starts a comment, blank lines ignored, anything unknown is an
 * error with its line number):
 *   listen ADDR                        IPv4 or IPv6 literal; at least one, at most 8
 *   port N                             default 53
 *   pidfile PATH                       the daemon writes its pid there
 *   record NAME A|AAAA ADDR            NAME without trailing dot, matched case-insensitively
 *   many NAME COUNT [tc-empty|tc-partial]
 *                                      COUNT (1..254) A records 198.51.100.1, .2, ...: a big
 *                                      answer. Over UDP a reply above 512 bytes gets TC=1 with no
 *                                      answers (tc-empty, the default, as CoreDNS does) or with as
 *                                      many whole records as fit (tc-partial); TCP gets them all.
 *   rule SERVER|* NAME|* ACTION        first matching rule wins; SERVER is a listen address
 *     ACTION: drop | servfail | nxdomain | refused | delay MS [servfail|nxdomain|refused]
 *     (`delay MS` alone delays the normal answer; delays never block other queries)
 *
 * Answers: AA=1, RA=1, RD copied, question echoed as received, TTL 60. A known name without a
 * record of the asked type is NODATA (NOERROR, no answers; no SOA: neither libc caches, so the
 * negative TTL would have no reader). Unknown name: NXDOMAIN. Types other than A and AAAA: NODATA.
 * Opcodes other than QUERY: NOTIMP. Classes other than IN (or ANY): REFUSED.
 * EDNS: an OPT record in the query is accepted and ignored, and the reply carries none, which
 * tells the client this server does not do EDNS (RFC 6891 section 7), so the UDP limit stays 512
 * bytes whatever the client advertises. That keeps the truncation case deterministic: glibc with
 * `options edns0` advertises 1200 bytes, musl never sends OPT, and both must see the same TC reply.
 *
 * Log: one JSON object per line for every message received (flushed at once), e.g.
 *   {"t_ms":12.345,"server":"127.0.0.2","transport":"udp","client":"127.0.0.1","src_port":40211,
 *    "id":4711,"qname":"db.lab.example","qtype":"A","action":"answer","answers":1}
 * t_ms: milliseconds (monotonic) from the fixture's start to the moment it handled the message;
 * UDP sockets are read round-robin, one datagram each, so lines follow arrival order across
 * servers. server: the listen address that received it; client and src_port: the sender, which
 * shows whether a libc reused one socket for several queries. action: answer | nodata |
 * nxdomain | servfail | refused | drop | truncated | notimp | malformed. Optional fields, in this
 * order: edns (the UDP size the client advertised in an OPT record), delay_ms (the reply was held
 * back that long), answers (records in the reply: answer, nodata, truncated), error and reply (for
 * malformed messages: "formerr" when the header was usable, else "none"). qtype: A, AAAA,
 * TYPE<n>, or "?" when the question could not be parsed. qname uses DNS presentation escapes
 * (\. \\ \DDD), then JSON escapes, so any byte in a hostile name is safe in the log. id is null
 * when the message is shorter than 2 bytes.
 *
 * Robustness: queries must not use name compression (a pointer in a query is rejected, so loops
 * cannot hang the parser), labels are <= 63 bytes and names <= 255 bytes on the wire, qdcount
 * must be 1; a bad message is logged and answered FORMERR when its header is usable. TCP is
 * non-blocking with per-connection buffers, several queries per connection, connections idle for
 * TCP_IDLE_MS closed, at most MAX_TCP_CONNS at once (the least recently active one is evicted to
 * make room, so stalled clients cannot lock others out).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PORT 53
#define MAX_LISTEN 8
#define MAX_TCP_CONNS 64
#define MAX_PENDING 4096
#define MAX_LINE 1024
#define MAX_MANY 254
#define MAX_DELAY_MS 60000
#define UDP_LIMIT 512
#define TCP_MAX_MESSAGE 65535
#define TCP_IDLE_MS 3000
#define TCP_OUT_LIMIT (256 * 1024)
#define UDP_BATCH 64
#define TCP_BATCH 16
#define TTL_SECONDS 60
#define HEADER_SIZE 12
#define NAME_TEXT_MAX 1100 /* 255 wire bytes, each at most 4 characters (\DDD) */

#define TYPE_A 1
#define TYPE_AAAA 28
#define CLASS_IN 1
#define CLASS_ANY 255

#define RCODE_NOERROR 0
#define RCODE_FORMERR 1
#define RCODE_SERVFAIL 2
#define RCODE_NXDOMAIN 3
#define RCODE_NOTIMP 4
#define RCODE_REFUSED 5

/* ---- configuration -------------------------------------------------------------------------- */

struct listen_addr {
  struct sockaddr_storage sa;
  socklen_t len;
  char text[INET6_ADDRSTRLEN];
};

struct record {
  char name[256];
  int type;
  unsigned char rdata[16];
};

struct many {
  char name[256];
  int count;
  bool tc_partial;
};

enum rule_action { ACT_ANSWER, ACT_DROP, ACT_SERVFAIL, ACT_NXDOMAIN, ACT_REFUSED };

struct rule {
  char server[INET6_ADDRSTRLEN]; /* "" matches every server */
  char name[256];                /* "" matches every name */
  enum rule_action action;
  int delay_ms;
  int line;
};

struct config {
  struct listen_addr listen[MAX_LISTEN];
  int n_listen;
  int port;
  bool port_set;
  char pidfile[MAX_LINE];
  struct record *records;
  int n_records;
  struct many *manys;
  int n_manys;
  struct rule *rules;
  int n_rules;
};

static struct config cfg;

/* ---- runtime state -------------------------------------------------------------------------- */

struct tcp_conn {
  int fd; /* -1: free slot */
  unsigned generation;
  int listen_index;
  char client[INET6_ADDRSTRLEN];
  int client_port;
  size_t have; /* bytes of the current message read, prefix included */
  unsigned char *out;
  size_t out_len, out_cap;
  int pending; /* delayed replies still owed to this connection */
  bool eof;
  uint64_t last_active_ns;
};

struct pending_reply {
  bool used;
  uint64_t due_ns;
  bool tcp;
  int udp_index; /* UDP: socket to send from */
  struct sockaddr_storage to;
  socklen_t to_len;
  int conn; /* TCP: slot and generation, so a reply for a closed connection is dropped */
  unsigned generation;
  unsigned char *msg;
  size_t len;
};

static int udp_fds[MAX_LISTEN];
static int tcp_listen_fds[MAX_LISTEN];
static struct tcp_conn conns[MAX_TCP_CONNS];
static unsigned char conn_in[MAX_TCP_CONNS][2 + TCP_MAX_MESSAGE];
static struct pending_reply pending[MAX_PENDING];
static int n_pending;
static FILE *log_file;
static uint64_t start_ns;
static int signal_pipe[2] = {-1, -1};

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *format, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *format, ...) {
  va_list args;
  va_start(args, format);
  fputs("dns-fixture: ", stderr);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(2);
}

/* Room for one more element: capacities run 8, 16, 32, ... (configs are small). */
static void *grow(void *array, int count, size_t size) {
  bool full = count == 0 || (count >= 8 && (count & (count - 1)) == 0);
  if (!full) return array;
  size_t capacity = count == 0 ? 8 : (size_t)count * 2;
  void *bigger = realloc(array, capacity * size);
  if (bigger == NULL) die("out of memory");
  return bigger;
}

/* ---- config parsing ------------------------------------------------------------------------- */

static bool parse_address(const char *text, struct sockaddr_storage *sa, socklen_t *len) {
  memset(sa, 0, sizeof *sa);
  struct sockaddr_in *in4 = (struct sockaddr_in *)sa;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;
  if (inet_pton(AF_INET, text, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    *len = sizeof *in4;
    return true;
  }
  if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    *len = sizeof *in6;
    return true;
  }
  return false;
}

static void address_text(const struct sockaddr_storage *sa, char *text, int *port) {
  if (sa->ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    inet_ntop(AF_INET6, &in6->sin6_addr, text, INET6_ADDRSTRLEN);
    if (port) *port = ntohs(in6->sin6_port);
  } else {
    const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
    inet_ntop(AF_INET, &in4->sin_addr, text, INET6_ADDRSTRLEN);
    if (port) *port = ntohs(in4->sin_port);
  }
}

/* Config names are strict hostnames (letters, digits, '-', '_'), stored lower-case. Query names
 * are compared in the same lower-cased presentation form, so odd bytes in a query never match. */
static bool normalize_name(const char *text, char out[256]) {
  size_t length = strlen(text), label = 0;
  if (length == 0 || length > 253 || text[0] == '.' || text[length - 1] == '.') return false;
  for (size_t i = 0; i <= length; i++) {
    char c = text[i];
    if (c == '.' || c == '\0') {
      if (label == 0 || label > 63) return false;
      label = 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_') {
      label++;
    } else {
      return false;
    }
    out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  return true;
}

static bool parse_int(const char *text, long min, long max, long *value) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) return false;
  *value = v;
  return true;
}

static int parse_rcode_action(const char *word, enum rule_action *action) {
  if (strcmp(word, "servfail") == 0) *action = ACT_SERVFAIL;
  else if (strcmp(word, "nxdomain") == 0) *action = ACT_NXDOMAIN;
  else if (strcmp(word, "refused") == 0) *action = ACT_REFUSED;
  else return -1;
  return 0;
}

static void parse_config_line(char **words, int n, int line, const char *path) {
  const char *directive = words[0];
  long value;

#define CONFIG_ERROR(...)                                     \
  do {                                                        \
    char message_[512];                                       \
    snprintf(message_, sizeof message_, __VA_ARGS__);         \
    die("%s:%d: %s", path, line, message_);                   \
  } while (0)

  if (strcmp(directive, "listen") == 0) {
    if (n != 2) CONFIG_ERROR("usage: listen ADDR");
    if (cfg.n_listen == MAX_LISTEN) CONFIG_ERROR("more than %d listen lines", MAX_LISTEN);
    struct listen_addr *l = &cfg.listen[cfg.n_listen];
    if (!parse_address(words[1], &l->sa, &l->len))
      CONFIG_ERROR("listen: '%s' is not an IP address", words[1]);
    address_text(&l->sa, l->text, NULL);
    for (int i = 0; i < cfg.n_listen; i++)
      if (strcmp(cfg.listen[i].text, l->text) == 0) CONFIG_ERROR("listen %s given twice", l->text);
    cfg.n_listen++;
  } else if (strcmp(directive, "port") == 0) {
    if (n != 2 || !parse_int(words[1], 1, 65535, &value)) CONFIG_ERROR("usage: port 1..65535");
    if (cfg.port_set) CONFIG_ERROR("port given twice");
    cfg.port = (int)value;
    cfg.port_set = true;
  } else if (strcmp(directive, "pidfile") == 0) {
    if (n != 2) CONFIG_ERROR("usage: pidfile PATH");
    if (cfg.pidfile[0] != '\0') CONFIG_ERROR("pidfile given twice");
    snprintf(cfg.pidfile, sizeof cfg.pidfile, "%s", words[1]);
  } else if (strcmp(directive, "record") == 0) {
    if (n != 4) CONFIG_ERROR("usage: record NAME A|AAAA ADDR");
    cfg.records = grow(cfg.records, cfg.n_records, sizeof *cfg.records);
    struct record *r = &cfg.records[cfg.n_records];
    if (!normalize_name(words[1], r->name)) CONFIG_ERROR("record: bad name '%s'", words[1]);
    if (strcmp(words[2], "A") == 0) {
      r->type = TYPE_A;
      if (inet_pton(AF_INET, words[3], r->rdata) != 1)
        CONFIG_ERROR("record: '%s' is not an IPv4 address", words[3]);
    } else if (strcmp(words[2], "AAAA") == 0) {
      r->type = TYPE_AAAA;
      if (inet_pton(AF_INET6, words[3], r->rdata) != 1)
        CONFIG_ERROR("record: '%s' is not an IPv6 address", words[3]);
    } else {
      CONFIG_ERROR("record: type must be A or AAAA, got '%s'", words[2]);
    }
    cfg.n_records++;
  } else if (strcmp(directive, "many") == 0) {
    if (n != 3 && n != 4) CONFIG_ERROR("usage: many NAME COUNT [tc-empty|tc-partial]");
    cfg.manys = grow(cfg.manys, cfg.n_manys, sizeof *cfg.manys);
    struct many *m = &cfg.manys[cfg.n_manys];
    if (!normalize_name(words[1], m->name)) CONFIG_ERROR("many: bad name '%s'", words[1]);
    for (int i = 0; i < cfg.n_manys; i++)
      if (strcmp(cfg.manys[i].name, m->name) == 0) CONFIG_ERROR("many %s given twice", m->name);
    /* 254 keeps every address inside TEST-NET-2 (198.51.100.0/24, RFC 5737). */
    if (!parse_int(words[2], 1, MAX_MANY, &value))
      CONFIG_ERROR("many: COUNT must be 1..%d", MAX_MANY);
    m->count = (int)value;
    m->tc_partial = false;
    if (n == 4) {
      if (strcmp(words[3], "tc-partial") == 0) m->tc_partial = true;
      else if (strcmp(words[3], "tc-empty") != 0)
        CONFIG_ERROR("many: mode must be tc-empty or tc-partial, got '%s'", words[3]);
    }
    cfg.n_manys++;
  } else if (strcmp(directive, "rule") == 0) {
    if (n < 4) CONFIG_ERROR("usage: rule SERVER|* NAME|* ACTION");
    cfg.rules = grow(cfg.rules, cfg.n_rules, sizeof *cfg.rules);
    struct rule *r = &cfg.rules[cfg.n_rules];
    memset(r, 0, sizeof *r);
    r->line = line;
    if (strcmp(words[1], "*") != 0) {
      struct sockaddr_storage sa;
      socklen_t len;
      if (!parse_address(words[1], &sa, &len)) CONFIG_ERROR("rule: bad server '%s'", words[1]);
      address_text(&sa, r->server, NULL);
    }
    if (strcmp(words[2], "*") != 0 && !normalize_name(words[2], r->name))
      CONFIG_ERROR("rule: bad name '%s'", words[2]);
    const char *action = words[3];
    if (strcmp(action, "delay") == 0) {
      if (n < 5 || n > 6 || !parse_int(words[4], 0, MAX_DELAY_MS, &value))
        CONFIG_ERROR("usage: rule SERVER NAME delay MS [servfail|nxdomain|refused], MS 0..%d",
                     MAX_DELAY_MS);
      r->delay_ms = (int)value;
      r->action = ACT_ANSWER;
      if (n == 6 && parse_rcode_action(words[5], &r->action) < 0)
        CONFIG_ERROR("rule: after delay MS only servfail, nxdomain or refused, got '%s'", words[5]);
    } else {
      if (n != 4) CONFIG_ERROR("rule: unexpected words after '%s'", action);
      if (strcmp(action, "drop") == 0) r->action = ACT_DROP;
      else if (parse_rcode_action(action, &r->action) < 0)
        CONFIG_ERROR("rule: unknown action '%s' (delay MS|drop|servfail|nxdomain|refused)", action);
    }
    cfg.n_rules++;
  } else {
    CONFIG_ERROR("unknown directive '%s'", directive);
  }
#undef CONFIG_ERROR
}

static void load_config(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) die("%s: %s", path, strerror(errno));
  char line[MAX_LINE + 2];
  int number = 0;
  cfg.port = DEFAULT_PORT;
  while (fgets(line, sizeof line, f) != NULL) {
    number++;
    size_t length = strlen(line);
    if (length > 0 && line[length - 1] == '\n') line[--length] = '\0';
    else if (!feof(f)) die("%s:%d: line longer than %d characters", path, number, MAX_LINE);
    char *hash = strchr(line, '#');
    if (hash != NULL) *hash = '\0';
    char *words[8];
    int n = 0;
    for (char *save = NULL, *word = strtok_r(line, " \t\r", &save); word != NULL;
         word = strtok_r(NULL, " \t\r", &save)) {
      if (n == 8) die("%s:%d: too many words", path, number);
      words[n++] = word;
    }
    if (n > 0) parse_config_line(words, n, number, path);
  }
  if (ferror(f)) die("%s: read error", path);
  fclose(f);
  if (cfg.n_listen == 0) die("%s: no listen line", path);
  for (int i = 0; i < cfg.n_rules; i++) {
    struct rule *r = &cfg.rules[i];
    if (r->server[0] == '\0') continue;
    bool known = false;
    for (int j = 0; j < cfg.n_listen; j++) known |= strcmp(cfg.listen[j].text, r->server) == 0;
    if (!known) die("%s:%d: rule server %s is not a listen address", path, r->line, r->server);
  }
}

/* ---- sockets -------------------------------------------------------------------------------- */

static void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl: %s", strerror(errno));
}

static int bind_socket(const struct listen_addr *l, int type) {
  struct sockaddr_storage sa = l->sa;
  if (sa.ss_family == AF_INET6) ((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)cfg.port);
  else ((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)cfg.port);
  int fd = socket(sa.ss_family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket: %s", strerror(errno));
  int one = 1;
  if (type == SOCK_STREAM) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (sa.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&sa, l->len) < 0)
    die("bind %s %s port %d: %s", type == SOCK_STREAM ? "tcp" : "udp", l->text, cfg.port,
        strerror(errno));
  if (type == SOCK_STREAM && listen(fd, 64) < 0) die("listen %s: %s", l->text, strerror(errno));
  set_nonblocking(fd);
  return fd;
}

/* ---- query log ------------------------------------------------------------------------------ */

struct log_entry {
  const char *server;
  const char *transport;
  const char *client;
  int src_port;
  long id; /* -1: not known */
  const char *qname; /* presentation form, may be NULL */
  const char *qtype;
  const char *action;
  int delay_ms; /* 0: not delayed */
  int edns;     /* UDP size the client advertised in an OPT record, 0: none */
  int answers;  /* -1: no reply with answers */
  const char *error;
  const char *reply;
};

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p < 0x20 || *p >= 0x7f) fprintf(f, "\\u%04x", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}

static void log_query(const struct log_entry *e) {
  FILE *f = log_file;
  double t_ms = (double)(now_ns() - start_ns) / 1e6;
  fprintf(f, "{\"t_ms\":%.3f,\"server\":", t_ms);
  json_string(f, e->server);
  fprintf(f, ",\"transport\":\"%s\",\"client\":", e->transport);
  json_string(f, e->client);
  fprintf(f, ",\"src_port\":%d,\"id\":", e->src_port);
  if (e->id < 0) fputs("null", f);
  else fprintf(f, "%ld", e->id);
  fputs(",\"qname\":", f);
  json_string(f, e->qname != NULL ? e->qname : "");
  fputs(",\"qtype\":", f);
  json_string(f, e->qtype);
  fprintf(f, ",\"action\":\"%s\"", e->action);
  if (e->edns > 0) fprintf(f, ",\"edns\":%d", e->edns);
  if (e->delay_ms > 0) fprintf(f, ",\"delay_ms\":%d", e->delay_ms);
  if (e->answers >= 0) fprintf(f, ",\"answers\":%d", e->answers);
  if (e->error != NULL) {
    fputs(",\"error\":", f);
    json_string(f, e->error);
  }
  if (e->reply != NULL) fprintf(f, ",\"reply\":\"%s\"", e->reply);
  fputs("}\n", f);
  fflush(f);
}

/* ---- DNS messages --------------------------------------------------------------------------- */

struct question {
  long id;
  int opcode;
  bool rd;
  size_t end;                  /* offset just past QTYPE/QCLASS */
  char text[NAME_TEXT_MAX];    /* presentation form as received */
  char key[NAME_TEXT_MAX];     /* lower-cased, for matching */
  int qtype, qclass;
  char qtype_text[16];
  int edns;
};

static void append_char(char *text, size_t *at, const char *piece) {
  size_t n = strlen(piece);
  if (*at + n < NAME_TEXT_MAX) {
    memcpy(text + *at, piece, n + 1);
    *at += n;
  }
}

/* Parses the header and the single question. Returns NULL or a short error. On return q->id is
 * set whenever at least 2 bytes arrived, and q->text holds whatever part of the name was read. */
static const char *parse_question(const unsigned char *m, size_t len, struct question *q) {
  memset(q, 0, sizeof *q);
  q->id = len >= 2 ? (long)(m[0] << 8 | m[1]) : -1;
  strcpy(q->qtype_text, "?");
  if (len < HEADER_SIZE) return "short message";
  q->opcode = (m[2] >> 3) & 15;
  q->rd = m[2] & 1;
  int qdcount = m[4] << 8 | m[5];
  if (qdcount != 1) return qdcount == 0 ? "qdcount 0" : "qdcount > 1";
  size_t off = HEADER_SIZE, wire = 0, at = 0;
  for (;;) {
    if (off >= len) return "truncated name";
    unsigned label = m[off];
    if (label == 0) {
      wire++;
      off++;
      break;
    }
    if ((label & 0xc0) == 0xc0) return "compression pointer in question";
    if (label > 63) return "label longer than 63";
    wire += label + 1;
    if (wire + 1 > 255) return "name longer than 255";
    if (off + 1 + label > len) return "truncated label";
    if (at > 0) append_char(q->text, &at, ".");
    for (unsigned i = 0; i < label; i++) {
      unsigned char c = m[off + 1 + i];
      char piece[8];
      if (c == '.' || c == '\\') snprintf(piece, sizeof piece, "\\%c", c);
      else if (c > 0x20 && c < 0x7f) snprintf(piece, sizeof piece, "%c", c);
      else snprintf(piece, sizeof piece, "\\%03u", c);
      append_char(q->text, &at, piece);
    }
    off += 1 + label;
  }
  if (at == 0) append_char(q->text, &at, ".");
  if (off + 4 > len) return "truncated question";
  q->qtype = m[off] << 8 | m[off + 1];
  q->qclass = m[off + 2] << 8 | m[off + 3];
  q->end = off + 4;
  /* An OPT record (RFC 6891) right after the question, as clients send it: root name, TYPE 41,
   * CLASS = the UDP payload size the client can take. Only logged; replies stay within 512. */
  int ancount = m[6] << 8 | m[7], nscount = m[8] << 8 | m[9], arcount = m[10] << 8 | m[11];
  if (ancount == 0 && nscount == 0 && arcount >= 1 && q->end + 11 <= len && m[q->end] == 0 &&
      (m[q->end + 1] << 8 | m[q->end + 2]) == 41)
    q->edns = m[q->end + 3] << 8 | m[q->end + 4];
  for (size_t i = 0; i <= at; i++) {
    char c = q->text[i];
    q->key[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  if (q->qtype == TYPE_A) strcpy(q->qtype_text, "A");
  else if (q->qtype == TYPE_AAAA) strcpy(q->qtype_text, "AAAA");
  else snprintf(q->qtype_text, sizeof q->qtype_text, "TYPE%d", q->qtype);
  return NULL;
}

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

/* Header plus the question exactly as received (0x20 case preserved, as real servers do). */
static size_t start_reply(const unsigned char *query, const struct question *q, unsigned char *out,
                          int rcode, bool with_question) {
  put16(out, (unsigned)q->id);
  out[2] = (unsigned char)(0x80 | q->opcode << 3 | 0x04 /* AA */ | (q->rd ? 1 : 0));
  out[3] = (unsigned char)(0x80 /* RA */ | rcode);
  put16(out + 4, with_question ? 1 : 0);
  put16(out + 6, 0);
  put16(out + 8, 0);
  put16(out + 10, 0);
  if (!with_question) return HEADER_SIZE;
  memcpy(out + HEADER_SIZE, query + HEADER_SIZE, q->end - HEADER_SIZE);
  return q->end;
}

static bool name_known(const char *key) {
  for (int i = 0; i < cfg.n_records; i++)
    if (strcmp(cfg.records[i].name, key) == 0) return true;
  for (int i = 0; i < cfg.n_manys; i++)
    if (strcmp(cfg.manys[i].name, key) == 0) return true;
  return false;
}

static size_t add_answer(unsigned char *out, size_t at, int type, const unsigned char *rdata) {
  size_t rdlength = type == TYPE_A ? 4 : 16;
  put16(out + at, 0xc000 | HEADER_SIZE); /* owner: pointer to the question name */
  put16(out + at + 2, (unsigned)type);
  put16(out + at + 4, CLASS_IN);
  put16(out + at + 6, 0);
  put16(out + at + 8, TTL_SECONDS);
  put16(out + at + 10, (unsigned)rdlength);
  memcpy(out + at + 12, rdata, rdlength);
  return at + 12 + rdlength;
}

struct reply {
  unsigned char msg[TCP_MAX_MESSAGE];
  size_t len;           /* 0: no reply */
  const char *action;
  int answers;
  int delay_ms;
};

static const struct rule *find_rule(const char *server, const char *key) {
  for (int i = 0; i < cfg.n_rules; i++) {
    const struct rule *r = &cfg.rules[i];
    if (r->server[0] != '\0' && strcmp(r->server, server) != 0) continue;
    if (r->name[0] != '\0' && strcmp(r->name, key) != 0) continue;
    return r;
  }
  return NULL;
}

/* Builds the normal answer for q: records of the asked type, then the `many` set. */
static void build_answer(const unsigned char *query, const struct question *q, bool tcp,
                         struct reply *r) {
  if (!name_known(q->key)) {
    r->len = start_reply(query, q, r->msg, RCODE_NXDOMAIN, true);
    r->action = "nxdomain";
    return;
  }
  size_t at = start_reply(query, q, r->msg, RCODE_NOERROR, true);
  size_t limit = tcp ? TCP_MAX_MESSAGE : UDP_LIMIT;
  size_t fits_len = at;
  int count = 0, fits = 0;
  bool tc_partial = false;
  size_t record_size = q->qtype == TYPE_A ? 16 : 28;
  if (q->qtype == TYPE_A || q->qtype == TYPE_AAAA) {
    for (int i = 0; i < cfg.n_records; i++) {
      const struct record *rec = &cfg.records[i];
      if (rec->type != q->qtype || strcmp(rec->name, q->key) != 0) continue;
      if (at + record_size > TCP_MAX_MESSAGE) break;
      at = add_answer(r->msg, at, rec->type, rec->rdata);
      count++;
      if (at <= limit) fits_len = at, fits = count;
    }
    for (int i = 0; i < cfg.n_manys && q->qtype == TYPE_A; i++) {
      const struct many *m = &cfg.manys[i];
      if (strcmp(m->name, q->key) != 0) continue;
      tc_partial = m->tc_partial;
      for (int k = 1; k <= m->count && at + record_size <= TCP_MAX_MESSAGE; k++) {
        unsigned char a[4] = {198, 51, 100, (unsigned char)k};
        at = add_answer(r->msg, at, TYPE_A, a);
        count++;
        if (at <= limit) fits_len = at, fits = count;
      }
    }
  }
  if (at > limit) {
    /* Too big for UDP: set TC. tc-empty keeps only the question (what CoreDNS sends,
     * coredns#6149); tc-partial keeps the whole records that fit, which RFC 2181 section 9 also
     * allows and which a client without TCP fallback (musl <= 1.2.3) then uses as the answer. */
    int sent = tc_partial ? fits : 0;
    r->len = tc_partial ? fits_len : q->end;
    r->msg[2] |= 0x02;
    put16(r->msg + 6, (unsigned)sent);
    r->action = "truncated";
    r->answers = sent;
    return;
  }
  put16(r->msg + 6, (unsigned)count);
  r->len = at;
  r->action = count > 0 ? "answer" : "nodata";
  r->answers = count;
}

/* Decides what to do with one received message and logs it. r->len == 0 means no reply. */
static void handle_message(const unsigned char *m, size_t len, bool tcp, int listen_index,
                           const char *client, int client_port, struct reply *r) {
  struct question q;
  const char *server = cfg.listen[listen_index].text;
  struct log_entry e = {.server = server, .transport = tcp ? "tcp" : "udp", .client = client,
                        .src_port = client_port, .id = -1, .qtype = "?", .answers = -1};
  r->len = 0;
  r->answers = -1;
  r->delay_ms = 0;
  const char *error = parse_question(m, len, &q);
  e.id = q.id;
  e.qname = q.text;
  if (len >= HEADER_SIZE && (m[2] & 0x80)) {
    /* A response sent to us: never answer it, or two servers could ping-pong forever. */
    e.action = "malformed";
    e.error = "QR=1 (a response, not a query)";
    e.reply = "none";
    log_query(&e);
    return;
  }
  if (len >= HEADER_SIZE && q.opcode != 0) {
    /* Only the header is trusted here: the rest may not be a question at all. */
    r->len = start_reply(m, &q, r->msg, RCODE_NOTIMP, false);
    e.action = "notimp";
    e.qtype = error == NULL ? q.qtype_text : "?";
    log_query(&e);
    return;
  }
  if (error != NULL) {
    e.action = "malformed";
    e.error = error;
    if (len >= HEADER_SIZE) {
      r->len = start_reply(m, &q, r->msg, RCODE_FORMERR, false);
      e.reply = "formerr";
    } else {
      e.reply = "none";
    }
    log_query(&e);
    return;
  }
  e.qtype = q.qtype_text;
  const struct rule *rule = find_rule(server, q.key);
  enum rule_action action = rule != NULL ? rule->action : ACT_ANSWER;
  if (rule != NULL) r->delay_ms = rule->delay_ms;
  if (q.qclass != CLASS_IN && q.qclass != CLASS_ANY && action == ACT_ANSWER) action = ACT_REFUSED;
  switch (action) {
  case ACT_DROP:
    r->delay_ms = 0;
    e.action = "drop";
    break;
  case ACT_SERVFAIL:
    r->len = start_reply(m, &q, r->msg, RCODE_SERVFAIL, true);
    e.action = "servfail";
    break;
  case ACT_NXDOMAIN:
    r->len = start_reply(m, &q, r->msg, RCODE_NXDOMAIN, true);
    e.action = "nxdomain";
    break;
  case ACT_REFUSED:
    r->len = start_reply(m, &q, r->msg, RCODE_REFUSED, true);
    e.action = "refused";
    break;
  case ACT_ANSWER:
    build_answer(m, &q, tcp, r);
    e.action = r->action;
    e.answers = r->answers;
    break;
  }
  e.delay_ms = r->delay_ms;
  e.edns = q.edns;
  log_query(&e);
}

/* ---- delayed replies ------------------------------------------------------------------------ */

static bool schedule(const struct reply *r, bool tcp, int udp_index,
                     const struct sockaddr_storage *to, socklen_t to_len, int conn) {
  if (n_pending == MAX_PENDING) return false;
  for (int i = 0; i < MAX_PENDING; i++) {
    struct pending_reply *p = &pending[i];
    if (p->used) continue;
    p->msg = malloc(r->len);
    if (p->msg == NULL) return false;
    memcpy(p->msg, r->msg, r->len);
    p->len = r->len;
    p->used = true;
    p->due_ns = now_ns() + (uint64_t)r->delay_ms * 1000000u;
    p->tcp = tcp;
    p->udp_index = udp_index;
    if (to != NULL) p->to = *to;
    p->to_len = to_len;
    p->conn = conn;
    p->generation = tcp ? conns[conn].generation : 0;
    if (tcp) conns[conn].pending++;
    n_pending++;
    return true;
  }
  return false;
}

/* ---- TCP connections ------------------------------------------------------------------------ */

static void close_conn(int i) {
  struct tcp_conn *c = &conns[i];
  if (c->fd < 0) return;
  close(c->fd);
  c->fd = -1;
  c->generation++;
  free(c->out);
  c->out = NULL;
  c->out_len = c->out_cap = 0;
  c->pending = 0;
}

static void log_tcp_abort(int i, const char *why) {
  struct tcp_conn *c = &conns[i];
  if (c->have == 0) return;
  long id = c->have >= 4 ? (long)(conn_in[i][2] << 8 | conn_in[i][3]) : -1;
  struct log_entry e = {.server = cfg.listen[c->listen_index].text, .transport = "tcp",
                        .client = c->client, .src_port = c->client_port, .id = id, .qtype = "?",
                        .action = "malformed", .answers = -1, .error = why, .reply = "none"};
  log_query(&e);
}

static void flush_conn(int i) {
  struct tcp_conn *c = &conns[i];
  while (c->out_len > 0) {
    ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      close_conn(i);
      return;
    }
    memmove(c->out, c->out + n, c->out_len - (size_t)n);
    c->out_len -= (size_t)n;
  }
}

static void queue_tcp(int i, const unsigned char *msg, size_t len) {
  struct tcp_conn *c = &conns[i];
  if (c->out_len + len + 2 > TCP_OUT_LIMIT) {
    /* A client that sends but never reads: stop serving it rather than buffer without bound. */
    close_conn(i);
    return;
  }
  if (c->out_len + len + 2 > c->out_cap) {
    size_t capacity = (c->out_len + len + 2) * 2;
    unsigned char *bigger = realloc(c->out, capacity);
    if (bigger == NULL) {
      close_conn(i);
      return;
    }
    c->out = bigger;
    c->out_cap = capacity;
  }
  put16(c->out + c->out_len, (unsigned)len);
  memcpy(c->out + c->out_len + 2, msg, len);
  c->out_len += len + 2;
  flush_conn(i);
}

static struct reply reply_buffer;

static void read_conn(int i) {
  struct tcp_conn *c = &conns[i];
  for (int handled = 0; handled < TCP_BATCH && c->fd >= 0;) {
    unsigned char *buf = conn_in[i];
    size_t need = c->have < 2 ? 2 : 2 + (size_t)(buf[0] << 8 | buf[1]);
    ssize_t n = recv(c->fd, buf + c->have, need - c->have, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      log_tcp_abort(i, "tcp error mid-message");
      close_conn(i);
      return;
    }
    if (n == 0) {
      log_tcp_abort(i, "tcp eof mid-message");
      c->have = 0;
      c->eof = true;
      return;
    }
    c->last_active_ns = now_ns();
    c->have += (size_t)n;
    if (c->have < 2) continue;
    need = 2 + (size_t)(buf[0] << 8 | buf[1]);
    if (c->have < need) continue;
    /* One whole message (a zero-length one too: it is logged as short and framing goes on). */
    handled++;
    c->have = 0;
    struct reply *r = &reply_buffer;
    handle_message(buf + 2, need - 2, true, c->listen_index, c->client, c->client_port, r);
    if (r->len == 0) continue;
    if (r->delay_ms > 0) {
      if (!schedule(r, true, -1, NULL, 0, i)) continue;
    } else {
      queue_tcp(i, r->msg, r->len);
    }
  }
}

static void accept_conns(int listen_index) {
  for (;;) {
    struct sockaddr_storage from;
    socklen_t from_len = sizeof from;
    int fd = accept(tcp_listen_fds[listen_index], (struct sockaddr *)&from, &from_len);
    if (fd < 0) return;
    int slot = -1;
    for (int i = 0; i < MAX_TCP_CONNS && slot < 0; i++)
      if (conns[i].fd < 0) slot = i;
    if (slot < 0) {
      /* Full: evict the least recently active connection so new clients are always served. */
      slot = 0;
      for (int i = 1; i < MAX_TCP_CONNS; i++)
        if (conns[i].last_active_ns < conns[slot].last_active_ns) slot = i;
      log_tcp_abort(slot, "tcp connection evicted mid-message");
      close_conn(slot);
    }
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    set_nonblocking(fd);
    struct tcp_conn *c = &conns[slot];
    c->fd = fd;
    c->listen_index = listen_index;
    address_text(&from, c->client, &c->client_port);
    c->have = 0;
    c->eof = false;
    c->pending = 0;
    c->last_active_ns = now_ns();
  }
}

/* ---- UDP ------------------------------------------------------------------------------------ */

static unsigned char udp_buffer[65536];

/* Reads one datagram; false when the socket has nothing more. */
static bool read_udp(int listen_index) {
  struct sockaddr_storage from;
  socklen_t from_len = sizeof from;
  ssize_t n = recvfrom(udp_fds[listen_index], udp_buffer, sizeof udp_buffer, 0,
                       (struct sockaddr *)&from, &from_len);
  if (n < 0) return false;
  char client[INET6_ADDRSTRLEN];
  int client_port;
  address_text(&from, client, &client_port);
  struct reply *r = &reply_buffer;
  handle_message(udp_buffer, (size_t)n, false, listen_index, client, client_port, r);
  if (r->len == 0) return true;
  if (r->delay_ms > 0) schedule(r, false, listen_index, &from, from_len, -1);
  else
    sendto(udp_fds[listen_index], r->msg, r->len, MSG_NOSIGNAL, (struct sockaddr *)&from,
           from_len);
  return true;
}

/* One datagram per server per round, so the log order across servers follows arrival order:
 * draining 127.0.0.1 first would log a client's quick retries to it before the query that
 * reached 127.0.0.2 at the same moment (musl queries all servers at once). */
static void read_udp_sockets(const struct pollfd *fds) {
  bool ready[MAX_LISTEN];
  for (int i = 0; i < cfg.n_listen; i++) ready[i] = fds[i].revents & POLLIN;
  for (int round = 0; round < UDP_BATCH; round++) {
    bool any = false;
    for (int i = 0; i < cfg.n_listen; i++) {
      if (ready[i]) ready[i] = read_udp(i);
      any |= ready[i];
    }
    if (!any) return;
  }
}

static void fire_due(uint64_t now) {
  for (int i = 0; i < MAX_PENDING && n_pending > 0; i++) {
    struct pending_reply *p = &pending[i];
    if (!p->used || p->due_ns > now) continue;
    if (p->tcp) {
      struct tcp_conn *c = &conns[p->conn];
      if (c->fd >= 0 && c->generation == p->generation) {
        c->pending--;
        c->last_active_ns = now;
        queue_tcp(p->conn, p->msg, p->len);
      }
    } else {
      sendto(udp_fds[p->udp_index], p->msg, p->len, MSG_NOSIGNAL, (struct sockaddr *)&p->to,
             p->to_len);
    }
    free(p->msg);
    p->used = false;
    n_pending--;
  }
}

/* ---- main loop ------------------------------------------------------------------------------ */

static void on_signal(int signo) {
  int saved = errno;
  unsigned char byte = (unsigned char)signo;
  if (write(signal_pipe[1], &byte, 1) < 0) {
    /* Pipe full: a stop is already pending. */
  }
  errno = saved;
}

static int next_timeout_ms(uint64_t now) {
  uint64_t next = UINT64_MAX;
  for (int i = 0; i < MAX_PENDING && n_pending > 0; i++)
    if (pending[i].used && pending[i].due_ns < next) next = pending[i].due_ns;
  for (int i = 0; i < MAX_TCP_CONNS; i++) {
    /* A connection owed a delayed reply is not idle: its timer is in the pending queue. */
    if (conns[i].fd < 0 || conns[i].pending > 0) continue;
    uint64_t idle = conns[i].last_active_ns + (uint64_t)TCP_IDLE_MS * 1000000u;
    if (idle < next) next = idle;
  }
  if (next == UINT64_MAX) return -1;
  if (next <= now) return 0;
  /* Round up: waking a little late is fine, waking early would spin. */
  uint64_t ms = (next - now + 999999u) / 1000000u;
  return ms > 60000 ? 60000 : (int)ms;
}

static void serve(void) {
  struct pollfd fds[1 + 2 * MAX_LISTEN + MAX_TCP_CONNS];
  int conn_of[1 + 2 * MAX_LISTEN + MAX_TCP_CONNS];
  for (;;) {
    int n = 0;
    fds[n++] = (struct pollfd){signal_pipe[0], POLLIN, 0};
    for (int i = 0; i < cfg.n_listen; i++) fds[n++] = (struct pollfd){udp_fds[i], POLLIN, 0};
    for (int i = 0; i < cfg.n_listen; i++) fds[n++] = (struct pollfd){tcp_listen_fds[i], POLLIN, 0};
    int first_conn = n;
    for (int i = 0; i < MAX_TCP_CONNS; i++) {
      struct tcp_conn *c = &conns[i];
      if (c->fd < 0 || (c->eof && c->out_len == 0)) continue;
      short events = c->eof ? 0 : POLLIN;
      if (c->out_len > 0) events |= POLLOUT;
      conn_of[n] = i;
      fds[n++] = (struct pollfd){c->fd, events, 0};
    }
    int ready = poll(fds, (nfds_t)n, next_timeout_ms(now_ns()));
    if (ready < 0 && errno != EINTR) return;
    if (fds[0].revents & POLLIN) return;
    fire_due(now_ns());
    if (ready > 0) {
      read_udp_sockets(fds + 1);
      for (int i = 0; i < cfg.n_listen; i++)
        if (fds[1 + cfg.n_listen + i].revents & POLLIN) accept_conns(i);
      for (int k = first_conn; k < n; k++) {
        int i = conn_of[k];
        if (conns[i].fd != fds[k].fd) continue; /* evicted by accept above */
        if (fds[k].revents & POLLOUT) flush_conn(i);
        if (conns[i].fd >= 0 && (fds[k].revents & (POLLIN | POLLHUP | POLLERR))) read_conn(i);
      }
    }
    uint64_t now = now_ns();
    for (int i = 0; i < MAX_TCP_CONNS; i++) {
      struct tcp_conn *c = &conns[i];
      if (c->fd < 0) continue;
      bool idle = now - c->last_active_ns >= (uint64_t)TCP_IDLE_MS * 1000000u;
      bool done = c->eof && c->out_len == 0 && c->pending == 0;
      if (idle && c->pending == 0) log_tcp_abort(i, "tcp idle timeout mid-message");
      if (done || (idle && c->pending == 0)) close_conn(i);
    }
  }
}

static void write_pidfile(void) {
  if (cfg.pidfile[0] == '\0') return;
  FILE *f = fopen(cfg.pidfile, "w");
  if (f == NULL || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0)
    die("pidfile %s: %s", cfg.pidfile, strerror(errno));
}

int main(int argc, char **argv) {
  start_ns = now_ns();
  if (argc != 3) {
    fprintf(stderr, "usage: dns-fixture CONFIG LOG\n");
    return 2;
  }
  load_config(argv[1]);
  for (int i = 0; i < MAX_TCP_CONNS; i++) conns[i].fd = -1;
  for (int i = 0; i < cfg.n_listen; i++) {
    udp_fds[i] = bind_socket(&cfg.listen[i], SOCK_DGRAM);
    tcp_listen_fds[i] = bind_socket(&cfg.listen[i], SOCK_STREAM);
  }
  log_file = fopen(argv[2], "w");
  if (log_file == NULL) die("log %s: %s", argv[2], strerror(errno));
  if (pipe(signal_pipe) < 0) die("pipe: %s", strerror(errno));
  set_nonblocking(signal_pipe[1]);

  /* The parent stays until the child reports: sockets are already bound and listening (they were
   * created above and are inherited), so "ready" only waits for the pidfile and the signal setup.
   * Anything the child cannot do travels back through the pipe as the parent's error message. */
  int ready_pipe[2];
  if (pipe(ready_pipe) < 0) die("pipe: %s", strerror(errno));
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid > 0) {
    close(ready_pipe[1]);
    char message[512];
    ssize_t n, total = 0;
    while ((n = read(ready_pipe[0], message + total, sizeof message - 1 - (size_t)total)) > 0)
      total += n;
    while (total > 0 && message[total - 1] == '\n') total--;
    message[total] = '\0';
    if (strcmp(message, "ok") == 0) return 0;
    fprintf(stderr, "%s\n", total > 0 ? message : "dns-fixture: daemon died during startup");
    return 2;
  }
  close(ready_pipe[0]);
  /* From here on errors go to the parent through the pipe. */
  dup2(ready_pipe[1], STDERR_FILENO);
  setsid();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  write_pidfile();
  int null_fd = open("/dev/null", O_RDWR);
  if (null_fd >= 0) {
    dup2(null_fd, STDIN_FILENO);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    if (null_fd > STDERR_FILENO) close(null_fd);
  }
  if (write(ready_pipe[1], "ok", 2) != 2) return 2;
  close(ready_pipe[1]);

  serve();

  /* Sockets first, pidfile last: once the pidfile is gone, port 53 is free for the next fixture. */
  for (int i = 0; i < MAX_TCP_CONNS; i++) close_conn(i);
  for (int i = 0; i < cfg.n_listen; i++) {
    close(udp_fds[i]);
    close(tcp_listen_fds[i]);
  }
  fflush(log_file);
  fclose(log_file);
  if (cfg.pidfile[0] != '\0') unlink(cfg.pidfile);
  return 0;
}
