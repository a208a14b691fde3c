/*
 * dns-malformed: attack the DNS fixture with broken messages, then check it still answers.
 *
 * Why: the DNS scenarios trust dns-fixture's query log to show what each libc sent. A fixture
 * that a broken packet can crash, hang or desynchronise would turn a libc difference into a
 * fixture bug. This is not a glibc/musl difference itself; it guards the instrument. The attacks
 * follow the parsing rules of RFC 1035 (4.1.1 header, 4.1.2 question, 4.1.4 compression: a
 * pointer loop is the classic parser hang) and RFC 7766 (TCP framing, idle clients), plus the
 * usual slow-loris shapes: a huge length prefix that never arrives, half a message left open,
 * more connections than the server's cap.
 *
 * Usage: dns-malformed ADDR PORT NAME
 *   ADDR must be an IPv4 loopback address (127.0.0.0/8): this tool floods, so it refuses
 *   anything that could leave the machine. NAME must have an A record in the fixture.
 *
 * Facts printed:
 *   attacks_sent   number of malformed UDP messages and abusive TCP connections sent
 *   udp_answer     ok | fail: a valid A query over UDP afterwards got NOERROR with an A record
 *   udp_detail     rcode and record count, or what went wrong
 *   tcp_answer     ok | fail: the same over TCP (a fresh connection)
 *   tcp_detail     likewise
 * Exit status 0 only when both answers are ok; 2 for bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lab-probe.h"

#define ANSWER_TIMEOUT_MS 3000
#define HELD_CONNECTIONS 70 /* more than the fixture's MAX_TCP_CONNS (64) */
#define QUERY_ID 0x4d4c

static struct sockaddr_in server;
static int attacks;

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v >> 8);
  p[1] = (unsigned char)v;
}

static size_t header(unsigned char *m, unsigned id, unsigned qdcount) {
  memset(m, 0, 12);
  put16(m, id);
  m[2] = 0x01; /* RD */
  put16(m + 4, qdcount);
  return 12;
}

/* Appends NAME in wire format; returns the new length, 0 if it does not fit. */
static size_t put_name(unsigned char *m, size_t at, size_t cap, const char *name) {
  const char *p = name;
  while (*p) {
    const char *dot = strchr(p, '.');
    size_t label = dot ? (size_t)(dot - p) : strlen(p);
    if (label == 0 || label > 63 || at + 1 + label >= cap) return 0;
    m[at++] = (unsigned char)label;
    memcpy(m + at, p, label);
    at += label;
    p += label + (dot ? 1 : 0);
  }
  m[at++] = 0;
  return at;
}

static size_t valid_query(unsigned char *m, size_t cap, const char *name, unsigned id) {
  size_t at = header(m, id, 1);
  at = put_name(m, at, cap - 4, name);
  if (at == 0) return 0;
  put16(m + at, 1);     /* A */
  put16(m + at + 2, 1); /* IN */
  return at + 4;
}

static void send_udp(int fd, const unsigned char *m, size_t len) {
  sendto(fd, m, len, MSG_NOSIGNAL, (struct sockaddr *)&server, sizeof server);
  attacks++;
}

static int tcp_connect(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&server, sizeof server) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void udp_attacks(int fd, const char *name) {
  unsigned char m[4096];
  size_t at;

  send_udp(fd, m, 0);                /* empty datagram */
  memset(m, 0xab, 5);
  send_udp(fd, m, 5);                /* shorter than a header */
  send_udp(fd, m, header(m, 1, 1));  /* header promising a question that is not there */

  at = header(m, 2, 1);              /* label length 64 */
  m[at++] = 64;
  memset(m + at, 'a', 64);
  at += 64;
  m[at++] = 0;
  put16(m + at, 1), put16(m + at + 2, 1);
  send_udp(fd, m, at + 4);

  at = header(m, 3, 1);              /* name of 5 * 64 = 320 bytes */
  for (int i = 0; i < 5; i++) {
    m[at++] = 63;
    memset(m + at, 'b', 63);
    at += 63;
  }
  m[at++] = 0;
  put16(m + at, 1), put16(m + at + 2, 1);
  send_udp(fd, m, at + 4);

  at = header(m, 4, 1);              /* compression pointer to itself: a loop */
  m[at++] = 0xc0;
  m[at++] = 12;
  put16(m + at, 1), put16(m + at + 2, 1);
  send_udp(fd, m, at + 4);

  at = header(m, 5, 1);              /* label, then a pointer forward past the end */
  m[at++] = 1;
  m[at++] = 'x';
  m[at++] = 0xc0;
  m[at++] = 0x40;
  put16(m + at, 1), put16(m + at + 2, 1);
  send_udp(fd, m, at + 4);

  at = valid_query(m, sizeof m, name, 6);  /* qdcount 5, one question */
  put16(m + 4, 5);
  send_udp(fd, m, at);

  at = valid_query(m, sizeof m, name, 7);  /* question cut inside QTYPE */
  send_udp(fd, m, at - 3);

  at = valid_query(m, sizeof m, name, 8);  /* a response (QR=1): must not be answered */
  m[2] |= 0x80;
  send_udp(fd, m, at);

  at = valid_query(m, sizeof m, name, 9);  /* opcode 2 (STATUS): NOTIMP */
  m[2] = (unsigned char)(2 << 3);
  send_udp(fd, m, at);

  at = header(m, 10, 1);             /* reserved label type 0x80 */
  m[at++] = 0x80;
  m[at++] = 0;
  put16(m + at, 1), put16(m + at + 2, 1);
  send_udp(fd, m, at + 4);

  at = header(m, 11, 1);             /* label running past the end of the datagram */
  m[at++] = 40;
  memcpy(m + at, "short", 5);
  send_udp(fd, m, at + 5);

  /* Garbage of several sizes from a fixed LCG: reproducible, yet no structure to rely on. */
  uint32_t seed = 0x2545f491;
  static const size_t sizes[] = {12, 13, 31, 64, 300, 512, 1500, 4096};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    for (size_t i = 0; i < sizes[k]; i++) {
      seed = seed * 1664525u + 1013904223u;
      m[i] = (unsigned char)(seed >> 24);
    }
    m[2] &= 0x7f; /* keep QR=0 so the fixture really parses it */
    send_udp(fd, m, sizes[k]);
  }
}

/* Returns fds kept open until the end: half-sent messages and idle connections. */
static int tcp_attacks(int *held, int max_held) {
  int n_held = 0;
  unsigned char m[64];

  int fd = tcp_connect();            /* length 0xffff, 10 bytes, close */
  if (fd >= 0) {
    put16(m, 0xffff);
    memset(m + 2, 0, 10);
    send(fd, m, 12, MSG_NOSIGNAL);
    close(fd);
    attacks++;
  }
  fd = tcp_connect();                /* length 2, 2 bytes of garbage, close */
  if (fd >= 0) {
    put16(m, 2);
    m[2] = 0xde, m[3] = 0xad;
    send(fd, m, 4, MSG_NOSIGNAL);
    close(fd);
    attacks++;
  }
  fd = tcp_connect();                /* length 0 message, then close */
  if (fd >= 0) {
    put16(m, 0);
    send(fd, m, 2, MSG_NOSIGNAL);
    close(fd);
    attacks++;
  }
  fd = tcp_connect();                /* half a message, kept open */
  if (fd >= 0) {
    put16(m, 40);
    memset(m + 2, 'h', 10);
    send(fd, m, 12, MSG_NOSIGNAL);
    held[n_held++] = fd;
    attacks++;
  }
  fd = tcp_connect();                /* one byte of a length prefix, kept open */
  if (fd >= 0) {
    m[0] = 0;
    send(fd, m, 1, MSG_NOSIGNAL);
    held[n_held++] = fd;
    attacks++;
  }
  /* More idle connections than the fixture allows: it must evict, not lock out. */
  while (n_held < max_held) {
    fd = tcp_connect();
    if (fd < 0) break;
    held[n_held++] = fd;
    attacks++;
  }
  return n_held;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Checks a reply to valid_query(name, QUERY_ID): NOERROR, QR, and at least one A record. */
static int check_reply(const unsigned char *r, size_t len, size_t qlen, char *detail, size_t cap) {
  if (len < 12) return snprintf(detail, cap, "reply of %zu bytes", len), 0;
  unsigned id = (unsigned)(r[0] << 8 | r[1]);
  int rcode = r[3] & 15, ancount = r[6] << 8 | r[7];
  snprintf(detail, cap, "id=%u rcode=%d ancount=%d tc=%d", id, rcode, ancount, (r[2] >> 1) & 1);
  if (id != QUERY_ID || !(r[2] & 0x80) || rcode != 0 || ancount < 1 || len < qlen + 16) return 0;
  /* First answer right after the question: pointer owner, TYPE A, CLASS IN, RDLENGTH 4. */
  const unsigned char *a = r + qlen;
  return a[2] == 0 && a[3] == 1 && a[4] == 0 && a[5] == 1 && a[10] == 0 && a[11] == 4;
}

static int udp_check(const char *name, char *detail, size_t cap) {
  unsigned char q[512], r[4096];
  size_t qlen = valid_query(q, sizeof q, name, QUERY_ID);
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || qlen == 0) return snprintf(detail, cap, "no socket or bad name"), 0;
  sendto(fd, q, qlen, 0, (struct sockaddr *)&server, sizeof server);
  double deadline = now_ms() + ANSWER_TIMEOUT_MS;
  int ok = 0;
  snprintf(detail, cap, "timeout");
  for (double left; !ok && (left = deadline - now_ms()) > 0;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, (int)left + 1) <= 0) continue;
    ssize_t n = recv(fd, r, sizeof r, 0);
    if (n > 0) ok = check_reply(r, (size_t)n, qlen, detail, cap);
  }
  close(fd);
  return ok;
}

static int tcp_check(const char *name, char *detail, size_t cap) {
  unsigned char q[514], r[2 + 65535];
  size_t qlen = valid_query(q + 2, sizeof q - 2, name, QUERY_ID);
  put16(q, (unsigned)qlen);
  int fd = tcp_connect();
  if (fd < 0) return snprintf(detail, cap, "connect: %s", strerror(errno)), 0;
  if (send(fd, q, qlen + 2, MSG_NOSIGNAL) != (ssize_t)(qlen + 2)) {
    close(fd);
    return snprintf(detail, cap, "send failed"), 0;
  }
  double deadline = now_ms() + ANSWER_TIMEOUT_MS;
  size_t have = 0, need = 2;
  snprintf(detail, cap, "timeout");
  for (double left; have < need && (left = deadline - now_ms()) > 0;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, (int)left + 1) <= 0) continue;
    ssize_t n = recv(fd, r + have, need - have, 0);
    if (n <= 0) {
      snprintf(detail, cap, "connection closed after %zu bytes", have);
      break;
    }
    have += (size_t)n;
    if (have == 2) need = 2 + (size_t)(r[0] << 8 | r[1]);
  }
  close(fd);
  if (have < 2 || have < need) return 0;
  return check_reply(r + 2, need - 2, qlen, detail, cap);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: dns-malformed ADDR PORT NAME\n");
    return 2;
  }
  memset(&server, 0, sizeof server);
  server.sin_family = AF_INET;
  char *end;
  long port = strtol(argv[2], &end, 10);
  if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1 ||
      (ntohl(server.sin_addr.s_addr) >> 24) != 127) {
    fprintf(stderr, "dns-malformed: %s is not an IPv4 loopback address (127.0.0.0/8); refusing\n",
            argv[1]);
    return 2;
  }
  if (*end != '\0' || port < 1 || port > 65535) {
    fprintf(stderr, "dns-malformed: bad port '%s'\n", argv[2]);
    return 2;
  }
  server.sin_port = htons((uint16_t)port);
  const char *name = argv[3];

  int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (udp < 0) {
    perror("dns-malformed: socket");
    return 2;
  }
  udp_attacks(udp, name);
  close(udp);
  int held[HELD_CONNECTIONS];
  int n_held = tcp_attacks(held, HELD_CONNECTIONS);
  fact("attacks_sent", "%d", attacks);

  char udp_detail[128], tcp_detail[128];
  int udp_ok = udp_check(name, udp_detail, sizeof udp_detail);
  int tcp_ok = tcp_check(name, tcp_detail, sizeof tcp_detail);
  fact("udp_answer", "%s", udp_ok ? "ok" : "fail");
  fact("udp_detail", "%s", udp_detail);
  fact("tcp_answer", "%s", tcp_ok ? "ok" : "fail");
  fact("tcp_detail", "%s", tcp_detail);
  for (int i = 0; i < n_held; i++) close(held[i]);
  return udp_ok && tcp_ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
