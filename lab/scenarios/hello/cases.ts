import type { z } from "zod";
import type { CaseSchema } from "../schema.js";

const GLIBC_LOADER = "/lib64/ld-linux-x86-64.so.2";
const MUSL_LOADER = "/lib/ld-musl-x86_64.so.1";
/** dash says `sh: 1: /lab/bin/x: not found`, busybox ash `sh: /lab/bin/x: not found`. */
const SHELL_NOT_FOUND = ": not found$";
/** musl's loader, one line per symbol it cannot bind: `Error relocating /lab/bin/x: sym: symbol not found`. */
const symbolNotFound = (symbol: string) => `^Error relocating \\S+: ${symbol}: symbol not found$`;

/** The cases of hello, in the order they run and the reports show them. */
export const cases: z.input<typeof CaseSchema>[] = [
  {
    id: "glibc-on-glibc",
    title: "glibc-built dynamic binary on glibc",
    role: "baseline",
    build: { probe: "hello.c", for: "glibc", link: "dynamic" },
    check: { kind: "run", on: "glibc" },
    expect: [
      {
        result: "success",
        exitCode: 0,
        stdout: ["^built_for=glibc$", "^confstr_libc=glibc \\d"],
        measurements: { setlocale_en_us: "en_US.UTF-8" },
        because: "The loader and libc.so.6 it names are where the binary expects them.",
      },
    ],
  },
  {
    id: "glibc-binary-on-musl",
    title: "The same glibc binary copied into musl",
    role: "demonstration",
    build: { probe: "hello.c", for: "glibc", link: "dynamic" },
    check: { kind: "run", on: "musl" },
    expect: [
      {
        result: "failure",
        exitCode: 127,
        stderr: [SHELL_NOT_FOUND],
        because:
          `The binary's PT_INTERP names ${GLIBC_LOADER}, which does not exist on musl; execve ` +
          "fails with ENOENT and the shell reports the program as `not found`, exit 127, although " +
          "the file is right there.",
      },
    ],
  },
  {
    id: "diagnose-glibc-binary",
    title: "Diagnosis: what the glibc binary asks for (the lab's ELF reader)",
    role: "diagnosis",
    build: { probe: "hello.c", for: "glibc", link: "dynamic" },
    check: { kind: "elf" },
    expect: [
      {
        result: "success",
        measurements: {
          linkage: "dynamic",
          interpreter: GLIBC_LOADER,
          needed: "libc.so.6",
          highest_glibc: { pattern: "^GLIBC_2\\.\\d+$" },
        },
        because:
          "PT_INTERP and DT_NEEDED name glibc's loader and libc.so.6; the GLIBC_x.y symbol " +
          "versions say how new a glibc must be. `readelf -l` and `readelf -d` show the same.",
      },
    ],
  },
  {
    id: "static-glibc-on-musl",
    title: "Fix: a static glibc build, run on musl",
    role: "fix",
    build: { probe: "hello.c", for: "glibc", link: "static" },
    check: { kind: "run", on: "musl" },
    expect: [
      {
        result: "success",
        exitCode: 0,
        stdout: ["^built_for=glibc$", "^hello=ok$"],
        measurements: { setlocale_en_us: "failed" },
        because:
          "A static binary has no PT_INTERP: the kernel starts it directly, libc included. " +
          "But glibc still looks for its locale data on the running system, and musl has none: " +
          'setlocale(LC_ALL, "en_US.UTF-8") fails here although it works on glibc.',
      },
    ],
    note:
      "Static glibc is not a full fix. Locales (and iconv modules, and NSS services other " +
      "than files and dns) are loaded at run time from the system the binary runs on. " +
      "getpwnam_root=found shows the part that does work: current glibc has the files and dns " +
      "NSS services built in.",
  },
  {
    id: "rebuilt-for-musl",
    title: "Fix: rebuilt against musl, run on musl",
    role: "fix",
    build: { probe: "hello.c", for: "musl", link: "dynamic" },
    check: { kind: "run", on: "musl" },
    expect: [
      {
        result: "success",
        exitCode: 0,
        stdout: ["^built_for=musl$", "^confstr_libc=unavailable$"],
        measurements: { setlocale_en_us: "en_US.UTF-8" },
        because:
          `Built by musl's toolchain, the binary asks for ${MUSL_LOADER}, which is there. ` +
          "(musl accepts any locale name in setlocale: it has no locale data that could be missing.)",
      },
    ],
  },
  {
    id: "gcompat-on-musl",
    title: "Fix: the glibc binary on Alpine with gcompat",
    role: "fix",
    build: { probe: "hello.c", for: "glibc", link: "dynamic" },
    check: { kind: "run", on: "musl", feature: "gcompat" },
    expect: [
      {
        result: "success",
        exitCode: 0,
        stdout: ["^built_for=glibc$", "^hello=ok$"],
        because:
          `gcompat installs ${GLIBC_LOADER} and a libc.so.6 that forwards to musl, so the ` +
          "unchanged glibc binary starts. It covers common symbols, not all of glibc.",
      },
    ],
  },
  {
    id: "glibc-binary-on-musl-compat",
    title: "The glibc binary on musl with libc6-compat's links: the second wall",
    role: "demonstration",
    build: { probe: "hello.c", for: "glibc", link: "dynamic" },
    check: { kind: "run", on: "musl", feature: "libc6-compat" },
    expect: [
      {
        result: "failure",
        exitCode: 127,
        stderr: [symbolNotFound("gnu_get_libc_version")],
        because:
          `libc6-compat links ${GLIBC_LOADER} and libc.so.6 to musl, so the loader is found and ` +
          "the `not found` is gone. But the loader is musl's, and it must bind every symbol the " +
          "binary imports: gnu_get_libc_version is a glibc extension musl does not have. musl's " +
          "loader names each missing symbol and exits 127, before main runs.",
      },
    ],
  },
  {
    id: "plain-glibc-on-musl-compat",
    title: "Fix (partial): a glibc binary of standard calls only, on musl with libc6-compat",
    role: "fix",
    // -U_FORTIFY_SOURCE: Ubuntu's gcc (the registry glibc image) fortifies by default.
    build: {
      probe: "hello-fortify.c",
      for: "glibc",
      link: "dynamic",
      flags: ["-U_FORTIFY_SOURCE"],
    },
    check: { kind: "run", on: "musl", feature: "libc6-compat" },
    expect: [
      {
        result: "success",
        exitCode: 0,
        stdout: ["^built_for=glibc$", "^hello=ok$"],
        measurements: { confstr_libc: "unavailable" },
        because:
          "This binary imports only printf, vfprintf, confstr and the like, which musl has too, " +
          "so with glibc's names linked to musl it starts and runs. confstr_libc=unavailable " +
          "shows whose code answers: glibc's headers compiled it, musl runs it.",
      },
    ],
    note:
      "libc6-compat only adds file names. It works for binaries whose every import musl also " +
      "exports, which is rarer than it looks: the next case is the same source, fortified.",
  },
  {
    id: "fortified-glibc-on-musl-compat",
    title: "The same source built with -D_FORTIFY_SOURCE=2 (Ubuntu's default), on libc6-compat",
    role: "demonstration",
    build: {
      probe: "hello-fortify.c",
      for: "glibc",
      link: "dynamic",
      flags: ["-D_FORTIFY_SOURCE=2"],
    },
    check: { kind: "run", on: "musl", feature: "libc6-compat" },
    expect: [
      {
        result: "failure",
        exitCode: 127,
        stderr: [symbolNotFound("__printf_chk"), symbolNotFound("__vfprintf_chk")],
        because:
          "With -O2 -D_FORTIFY_SOURCE=2 glibc's headers turn printf and vprintf into " +
          "__printf_chk and __vfprintf_chk, checked variants only glibc exports. Ubuntu's gcc " +
          "fortifies by default (Debian's does not), so most binaries built on Ubuntu import " +
          "`__*_chk` symbols and fail this way. libc6-compat adds names, not code: a symbol musl " +
          "lacks needs a layer with code of its own, such as gcompat.",
      },
    ],
  },
  {
    id: "musl-binary-on-glibc",
    title: "The reverse: a musl dynamic binary on glibc",
    role: "demonstration",
    build: { probe: "hello.c", for: "musl", link: "dynamic" },
    check: { kind: "run", on: "glibc" },
    expect: [
      {
        result: "failure",
        exitCode: 127,
        stderr: [SHELL_NOT_FOUND],
        because:
          `A musl binary's PT_INTERP is ${MUSL_LOADER}; a glibc system without musl installed ` +
          "has no such file, so it fails exactly like the glibc binary on Alpine.",
      },
    ],
  },
  {
    id: "static-musl-on-glibc",
    title: "Fix: a static musl binary on glibc",
    role: "fix",
    build: { probe: "hello.c", for: "musl", link: "static" },
    check: { kind: "run", on: "glibc" },
    expect: [
      {
        result: "success",
        exitCode: 0,
        stdout: ["^built_for=musl$", "^hello=ok$"],
        because:
          "Static musl binaries are self-contained and small, the usual way to ship one binary " +
          "for every Linux; musl needs nothing at run time to read /etc/passwd.",
      },
    ],
  },
];
