import type { z } from "zod";
import type { LessonSchema } from "../schema.js";

/** What `explain` teaches; each point cites the scenario's sources by key. */
export const lesson = {
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
      sources: ["sysv-abi-pt-interp", "musl-faq"],
    },
    {
      text:
        "Even with the loader in place the interfaces differ: glibc versions its symbols " +
        "(GLIBC_2.34 ...) and has extensions musl lacks (gnu_get_libc_version, " +
        "<gnu/libc-version.h>); musl defines no macro that identifies it. gcompat maps the " +
        "common glibc symbols onto musl, not all of them.",
      sources: ["musl-functional-differences", "gcompat"],
    },
    {
      text:
        "Alpine's libc6-compat links /lib64/ld-linux-x86-64.so.2, libc.so.6, libm.so.6, " +
        "libpthread.so.0, libdl.so.2 and librt.so.1 to musl's libc. That satisfies PT_INTERP " +
        "and DT_NEEDED, so the `not found` goes away, but it adds no code: musl's loader must " +
        "still bind every symbol the binary imports, and for each glibc-only one (such as " +
        "gnu_get_libc_version) it says `Error relocating <binary>: <symbol>: symbol not found` " +
        "and exits 127 before main runs.",
      sources: ["alpine-libc6-compat", "musl-dynlink"],
    },
    {
      text:
        "Fortification makes that wall common: with -O2 -D_FORTIFY_SOURCE=2 glibc's headers " +
        "replace printf, memcpy, strcpy and others with checked `__*_chk` variants that only " +
        "glibc exports. Ubuntu's gcc fortifies by default (Debian's does not), so a plain " +
        "hello built on Ubuntu already needs __printf_chk.",
      sources: ["glibc-fortify", "ubuntu-compiler-flags"],
    },
    {
      text:
        "A static glibc binary still loads some things from the running system: locale data, " +
        "iconv modules and NSS services other than files and dns. On Alpine those are absent.",
      sources: ["static-glibc-nss"],
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
      tool: "nm -D",
      command: "nm -D --undefined-only ./app | grep -E '_chk|gnu_'",
      shows:
        "The symbols the binary imports. Fortified `__*_chk` calls and `gnu_*` extensions are " +
        "the ones musl (and so libc6-compat) cannot bind.",
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
      fix: "Install libc6-compat on Alpine (rarely enough)",
      how: "apk add libc6-compat: glibc's loader and library names, linked to musl's libc.",
      whenToChoose:
        "Only for a binary whose every import musl also has: no fortified `__*_chk` calls, no " +
        "glibc extensions. Check with nm -D first; most binaries built on Ubuntu fail it.",
      provenBy: "plain-glibc-on-musl-compat",
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
} satisfies z.input<typeof LessonSchema>;
