/*
 * headers-cdefs.c: <sys/cdefs.h> and its __BEGIN_DECLS / __END_DECLS.
 *
 * Why the libcs differ: <sys/cdefs.h> is an internal header of glibc (and the BSDs) that many
 * programs include for __BEGIN_DECLS, __THROW or __attribute_deprecated__; musl deliberately
 * ships none (musl FAQ / mailing list: "sys/cdefs.h is not a public header"), so such code fails:
 * "fatal error: sys/cdefs.h: No such file or directory". The fix is the two lines it stands for:
 * `#ifdef __cplusplus extern "C" {` (-DLAB_PORTABLE does so). Facts: cdefs.answer=42.
 */
#include "lab-probe.h"
#ifndef LAB_PORTABLE
#include <sys/cdefs.h>
#else
#ifdef __cplusplus
#define __BEGIN_DECLS extern "C" {
#define __END_DECLS }
#else
#define __BEGIN_DECLS
#define __END_DECLS
#endif
#endif

__BEGIN_DECLS
int lab_answer(void);
__END_DECLS

int lab_answer(void) { return 42; }

int main(void) {
  fact("cdefs.answer", "%d", lab_answer());
  return 0;
}
