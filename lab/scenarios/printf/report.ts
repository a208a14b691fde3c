import type { z } from "zod";
import type { ReportSpecSchema } from "../schema.js";

/** What the reports show beyond the case list: tables, claims, advice. */
export const report = {
  tables: [
    {
      title: "A NULL %s (text between bars)",
      rows: [
        { label: "%s", case: "null-string", key: "null.s" },
        { label: "%.3s", case: "null-string", key: "null.precision3" },
        { label: "%.6s", case: "null-string", key: "null.precision6" },
        { label: "%10s", case: "null-string", key: "null.width10" },
        { label: 'printf("%s\\n") folded into puts', case: "null-claim", key: "folded.result" },
        { label: 'printf("%s\\n") called for real', case: "null-claim", key: "real.result" },
      ],
    },
    {
      title: "%m and the changes of musl 1.2.5",
      rows: [
        { label: "%m, errno ENOENT", case: "percent-m", key: "m.enoent" },
        { label: "%m, errno 0", case: "percent-m", key: "m.zero" },
        { label: "%m, errno 9999", case: "percent-m", key: "m.unknown_9999" },
        { label: "[%lc] of L'\\0': bytes", case: "lc-nul", key: "lc_nul.return" },
        {
          label: "snprintf, n = INT_MAX + 1: returns",
          case: "snprintf-big-n",
          key: "big_n.return",
        },
        { label: "snprintf, n = INT_MAX + 1: errno", case: "snprintf-big-n", key: "big_n.errno" },
      ],
    },
  ],
  claims: [
    {
      claim: "printf(NULL) crashes on musl",
      family: "musl",
      case: "null-claim",
      key: "real.result",
      holdsWhen: { pattern: "^SIG" },
    },
    {
      claim: 'printf("%s\\n", NULL) is safe on glibc',
      family: "glibc",
      case: "null-claim",
      key: "folded.result",
      holdsWhen: "exit 0",
    },
    {
      claim: 'a NULL %s prints "(null)" on both libcs',
      case: "null-string",
      key: "null.s",
      holdsWhen: "|(null)|",
    },
    {
      claim: 'a precision cuts "(null)" like any other string (%.3s gives "(nu")',
      case: "null-string",
      key: "null.precision3",
      holdsWhen: "|(nu|",
    },
  ],
  advice: [
    {
      text:
        'Never pass NULL for %s: substitute the text yourself (s ? s : "(null)"). Whether it ' +
        "crashes depends on the compiler's rewrite, and with a precision the libcs print " +
        "different text.",
      evidence: "guarded-fix",
    },
    {
      text:
        "On musl before 1.2.5 (Alpine < 3.20), do not pass snprintf a size above INT_MAX (SIZE_MAX " +
        "as 'no limit' is common): it fails with EOVERFLOW and writes nothing.",
      measured: { case: "snprintf-big-n", key: "big_n.return" },
    },
  ],
} satisfies z.input<typeof ReportSpecSchema>;
