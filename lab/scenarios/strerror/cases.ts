import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

const PROBE = { probe: "strerror.c", for: "native", link: "dynamic" } as const;

/** The cases of strerror, in the order they run. Every text was measured. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "message-texts",
    title: "strerror(0), EOPNOTSUPP, EDEADLK, EILSEQ and an unknown number",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["texts"], env: { LANG: null, LC_ALL: null } },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: {
          "text.0": "Success",
          "text.eopnotsupp": "Operation not supported",
          "text.edeadlk": "Resource deadlock avoided",
          "text.eilseq": "Invalid or incomplete multibyte or wide character",
          "text.unknown": "Unknown error 12345",
          "same.eopnotsupp_enotsup": "yes",
        },
        because: 'glibc\'s own table; an unknown number reads "Unknown error N".',
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: {
          "text.0": "No error information",
          "text.eopnotsupp": "Not supported",
          "text.edeadlk": "Resource deadlock would occur",
          "text.eilseq": "Illegal byte sequence",
          "text.unknown": "No error information",
          "same.eopnotsupp_enotsup": "yes",
        },
        because:
          'musl\'s shorter table: other words for the same numbers, and "No error information" ' +
          "for 0 and for every number it does not know.",
      },
    ],
  },
  {
    id: "translated",
    title: "strerror(ENOENT) under LANG=de_DE.UTF-8",
    role: "demonstration",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["translated"], env: { LANG: "de_DE.UTF-8" } },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { setlocale: "ok", "de.enoent": "Datei oder Verzeichnis nicht gefunden" },
        because: "glibc translates its messages through libc.mo, which the glibc image has for de.",
      },
      {
        when: { family: "musl" },
        result: "success",
        measurements: { setlocale: "ok", "de.enoent": "No such file or directory" },
        because:
          "musl accepts the locale name, but no message catalog is installed under MUSL_LOCPATH: English.",
      },
    ],
  },
  {
    id: "xsi-strerror-r",
    title: "Fix: the XSI strerror_r (int, fills the buffer), without _GNU_SOURCE",
    role: "fix",
    build: PROBE,
    check: { kind: "run", on: "every", args: ["xsi"], env: { LANG: null, LC_ALL: null } },
    expect: [
      {
        result: "success",
        measurements: { "xsi.result": "0", "xsi.buffer": "No such file or directory" },
        because:
          "Both libcs give the XSI form when _GNU_SOURCE is not defined: 0 and the text in buf.",
      },
    ],
  },
  {
    id: "gnu-strerror-r",
    title: "GNU-style char *s = strerror_r(...)",
    role: "demonstration",
    build: { probe: "strerror-gnu.c", for: "native", link: "dynamic" },
    check: { kind: "run", on: "every", alsoOn: ["musl-1.2.3"], env: { LANG: null, LC_ALL: null } },
    expect: [
      {
        when: { family: "glibc" },
        result: "success",
        measurements: { "gnu.null": "no", "gnu.text": "No such file or directory" },
        because: "Under _GNU_SOURCE glibc's strerror_r returns the text as a char *.",
      },
      {
        when: { family: "musl", version: "<1.2.4" },
        result: "success",
        measurements: { "gnu.null": "yes" },
        because:
          "musl has only the XSI strerror_r: gcc 12 merely warns about the int-to-pointer " +
          "conversion, and the program gets (char *)0, the XSI success code, as its message.",
      },
      {
        when: { family: "musl" },
        result: "build-failure",
        output: [
          "error: initialization of 'char \\*' from 'int' makes pointer from integer without a cast",
        ],
        because:
          "musl has only the XSI strerror_r, which returns int: gcc 14 makes -Wint-conversion an error.",
      },
    ],
  },
];
