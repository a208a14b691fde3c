import type { z } from "zod";
import type { ScenarioSchema } from "./schema.js";

const GLIBC_LOADER = "/lib64/ld-linux-x86-64.so.2";
const MUSL_LOADER = "/lib/ld-musl-x86_64.so.1";
/** dash says `sh: 1: /lab/bin/x: not found`, busybox ash `sh: /lab/bin/x: not found`. */
const SHELL_NOT_FOUND = ": not found$";

export const hello = {
  id: "hello",
  title: "Binary compatibility: works on Ubuntu, `not found` on Alpine",
  summary: "a glibc binary on musl (and back): the failure, its diagnosis and four fixes",
  description:
    "A dynamically linked program names its loader (PT_INTERP) and its libraries (DT_NEEDED) " +
    "inside the binary. A glibc build asks for /lib64/ld-linux-x86-64.so.2 and libc.so.6; a musl " +
    "system has neither, so execve fails with ENOENT and the shell reports the program itself as " +
    "`not found`. The fixes: link statically, rebuild against musl, or add a compatibility layer " +
    "(gcompat). The reverse holds too: a musl binary needs musl's loader.",
  sources: [
    "System V ABI, AMD64 supplement, 'Program Interpreter' (PT_INTERP)",
    "musl FAQ, 'Can I run glibc binaries on musl?': https://wiki.musl-libc.org/faq.html",
    "gcompat: https://git.adelielinux.org/adelie/gcompat",
    "glibc manual, 'Name Service Switch'; Red Hat Developer, 'How we ensure statically linked applications stay that way' (2023): https://developers.redhat.com/articles/2023/08/31/how-we-ensure-statically-linked-applications-stay-way",
  ],
  cases: [
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
  ],
  lesson: {
    concept: [
      "A C library (libc) is the layer between a program and the Linux kernel: printf, malloc, " +
        "threads, name lookups and locales live there. glibc is the GNU C library of Debian, " +
        "Ubuntu and Fedora; musl is a small, strict C library, the one Alpine Linux uses. Both " +
        "implement the C and POSIX standards, but they are different programs with different " +
        "binary interfaces.",
      "A dynamically linked program does not contain its C library: the binary names a program " +
        "interpreter (the dynamic loader, in the PT_INTERP header) and the shared libraries it " +
        "needs (DT_NEEDED). At start the kernel runs that loader, which maps the libraries and " +
        "binds the program's calls to them. A statically linked program carries its C library " +
        "inside and has no PT_INTERP: the kernel starts it directly.",
      "So a binary built on Ubuntu can only start where its loader and libraries exist. When " +
        "the loader is missing, execve fails with ENOENT and the shell says `not found` about " +
        "the program itself, which is right there: the most confusing message in this module.",
    ],
    whyTheyDiffer: [
      {
        text:
          "glibc's x86-64 loader is /lib64/ld-linux-x86-64.so.2 and its library libc.so.6; " +
          "musl's loader is /lib/ld-musl-x86_64.so.1, which is also its libc. Neither system " +
          "ships the other's files, so neither runs the other's dynamic binaries.",
        sources: [
          "System V ABI, AMD64 supplement, 'Program Interpreter' (PT_INTERP)",
          "musl FAQ, 'Can I run glibc binaries on musl?': https://wiki.musl-libc.org/faq.html",
        ],
      },
      {
        text:
          "Even with the loader in place the interfaces differ: glibc versions its symbols " +
          "(GLIBC_2.34 ...) and has extensions musl lacks (gnu_get_libc_version, " +
          "<gnu/libc-version.h>); musl defines no macro that identifies it. gcompat maps the " +
          "common glibc symbols onto musl, not all of them.",
        sources: [
          "musl wiki, Functional differences from glibc: https://wiki.musl-libc.org/functional-differences-from-glibc.html",
          "gcompat: https://git.adelielinux.org/adelie/gcompat",
        ],
      },
      {
        text:
          "A static glibc binary still loads some things from the running system: locale data, " +
          "iconv modules and NSS services other than files and dns. On Alpine those are absent.",
        sources: [
          "glibc manual, 'Name Service Switch'; Red Hat Developer, 'How we ensure statically linked applications stay that way' (2023): https://developers.redhat.com/articles/2023/08/31/how-we-ensure-statically-linked-applications-stay-way",
        ],
      },
    ],
    diagnose: [
      {
        tool: "file",
        command: "file ./app",
        shows:
          "'dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2' or 'statically " +
          "linked': which loader the binary wants, at a glance.",
      },
      {
        tool: "readelf -l / readelf -d",
        command: "readelf -l ./app | grep interpreter; readelf -d ./app | grep NEEDED",
        shows:
          "The PT_INTERP path and the DT_NEEDED libraries. Check that the interpreter exists on " +
          "the target: `ls -l /lib64/ld-linux-x86-64.so.2`.",
      },
      {
        tool: "ldd",
        command: "ldd ./app",
        shows:
          "Which libraries resolve and which are 'not found'. On Alpine, ldd is musl's own " +
          "loader: it resolves a glibc binary's needs the musl way and does not show the missing " +
          "PT_INTERP, so its answer can mislead. Trust readelf first.",
      },
      {
        tool: "objdump -T",
        command: "objdump -T ./app | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1",
        shows: "The newest glibc symbol version the binary needs: the oldest glibc it runs on.",
      },
      {
        tool: "the lab's ELF reader",
        command: "npm run lab -- hello   (case diagnose-glibc-binary)",
        shows:
          "The same facts read by lab/elf/read-elf.ts: linkage, interpreter, needed libraries, " +
          "highest GLIBC_x.y.",
      },
    ],
    fixes: [
      {
        fix: "Rebuild against musl",
        how: "Build in an Alpine image (multi-stage Dockerfile), or with musl-gcc.",
        whenToChoose:
          "The default for Alpine images: native, small, no surprises at run time. Needs the " +
          "source and a build for each libc you ship to.",
        provenBy: "rebuilt-for-musl",
      },
      {
        fix: "Link statically against musl",
        how: "musl-gcc -static (or an Alpine build with -static).",
        whenToChoose:
          "One binary for every Linux (CLI tools, scratch images). Gives up shared-library " +
          "updates: rebuild to get a libc fix.",
        provenBy: "static-musl-on-glibc",
      },
      {
        fix: "Link statically against glibc",
        how: "gcc -static.",
        whenToChoose:
          "Only for programs that need no locales, iconv or exotic NSS: those still come from " +
          "the running system and fail on Alpine (setlocale does, here).",
        provenBy: "static-glibc-on-musl",
      },
      {
        fix: "Install gcompat on Alpine",
        how: "apk add gcompat: a glibc loader and libc.so.6 that forward to musl.",
        whenToChoose:
          "A closed-source glibc binary you cannot rebuild. Covers common symbols only; test " +
          "the program's whole surface.",
        provenBy: "gcompat-on-musl",
      },
      {
        fix: "Use a glibc base image",
        how: "FROM debian:stable-slim (or distroless/base) instead of Alpine.",
        whenToChoose:
          "When the program (or a dependency) is built for glibc and size does not matter much.",
      },
    ],
    questions: [
      "The shell says `./app: not found`, yet `ls -l ./app` shows the file. Which ELF header " +
        "explains this, and which command shows it?",
      "Why does a static glibc build start on Alpine, and what does it still miss there?",
      "You ship one CLI tool to Ubuntu, Alpine and distroless users. Which fix do you choose, " +
        "and what do you give up?",
    ],
  },
} satisfies z.input<typeof ScenarioSchema>;
