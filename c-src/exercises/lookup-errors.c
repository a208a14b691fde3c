/*
 * Exercise lookup-errors (scenario dns): a resolver client that must tell "try again later" from
 * "no such host".
 *
 * `lookup NAME` resolves NAME (IPv4) and reports the result on one line, with an exit status the
 * calling service acts on:
 *   status=ok address=A.B.C.D   exit 0
 *   status=temporary            exit 75 (EX_TEMPFAIL): the resolver could not get an answer (the
 *                               nameservers are down or time out); the caller retries later
 *   status=permanent            exit 68 (EX_NOHOST): the name has no IPv4 address, retrying is
 *                               pointless
 * It decides by the text gai_strerror gives. The texts are glibc's: musl's getaddrinfo returns
 * the same EAI_* codes, but its gai_strerror words them differently. So on Alpine every failure
 * is "unknown", and the service neither retries a dead nameserver nor gives up on a wrong name.
 *
 * TODO: classify failures so that they come out right with glibc and with musl: a lookup that
 * could not reach an answer is `temporary`; a name that does not exist, or exists without an
 * IPv4 address, is `permanent`. Keep the output lines and exit statuses above.
 *
 * Try it:   npm run lab -- exercise lookup-errors --solution path/to/your-copy.c
 * Read:     npm run lab -- explain dns
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define EXIT_TEMPORARY 75
#define EXIT_PERMANENT 68
#define EXIT_UNKNOWN 70

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: lookup NAME\n");
    return 64;
  }
  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  struct addrinfo *found = NULL;
  int rc = getaddrinfo(argv[1], NULL, &hints, &found);
  if (rc == 0) {
    char text[INET_ADDRSTRLEN];
    const struct sockaddr_in *address = (const struct sockaddr_in *)found->ai_addr;
    inet_ntop(AF_INET, &address->sin_addr, text, sizeof text);
    printf("status=ok address=%s\n", text);
    freeaddrinfo(found);
    return 0;
  }
  const char *message = gai_strerror(rc);
  if (strcmp(message, "Temporary failure in name resolution") == 0) {
    printf("status=temporary\n");
    return EXIT_TEMPORARY;
  }
  if (strcmp(message, "Name or service not known") == 0 ||
      strcmp(message, "No address associated with hostname") == 0) {
    printf("status=permanent\n");
    return EXIT_PERMANENT;
  }
  printf("status=unknown error=%s\n", message);
  return EXIT_UNKNOWN;
}
