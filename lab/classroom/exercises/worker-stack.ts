import type { z } from "zod";
import type { ExerciseSchema } from "../schema.js";

/** The starter's checksum on glibc 2.41 (measured): what the worker computes over 4 blocks. */
const CHECKSUM = "^checksum=0x82749dc5$";
/** A `ulimit -s` smaller than one block: glibc's default thread stack shrinks with it. */
const SMALL_ULIMIT_KIB = 256;

const STACK_HINT =
  "The worker's 512 KiB block lives on its thread's stack, and a thread made with default " +
  "attributes gets the C library's default stack: 128 KiB on musl, `ulimit -s` on glibc. Either " +
  "give the thread a stack size you choose (see pthread_attr_init(3)) or keep the block " +
  "somewhere that is not the thread's stack.";

export const workerStack = {
  name: "worker-stack",
  scenario: "thread-stack",
  title: "A worker thread that crashes on Alpine",
  summary: "a worker keeps a 512 KiB block on its stack: make it survive on musl",
  task: [
    "c-src/exercises/worker-stack.c checksums data in 512 KiB blocks in a worker thread. The " +
      "block is a local array, on the worker's stack. It works on Ubuntu and dies of SIGSEGV " +
      "on Alpine, and on Ubuntu too under `ulimit -s 256`.",
    "Make the worker survive on both C libraries whatever `ulimit -s` says, without changing " +
      "what it computes: 512 KiB blocks, the same `checksum=0x...` line as now on Ubuntu, exit 0.",
  ],
  starter: "worker-stack.c",
  checks: [
    {
      id: "survives-default-limits",
      title: "Runs to the end with the container's default limits",
      run: { on: "every" },
      expect: [{ result: "success", exitCode: 0, stdout: [CHECKSUM] }],
      wanted: "exit 0, no signal, and `checksum=0x82749dc5` (the value the program computes now)",
      hint: STACK_HINT,
    },
    {
      id: "survives-small-ulimit",
      title: `Runs to the end on glibc under ulimit -s ${SMALL_ULIMIT_KIB}`,
      run: { on: "glibc", limits: { stackKib: SMALL_ULIMIT_KIB } },
      expect: [{ result: "success", exitCode: 0, stdout: [CHECKSUM] }],
      wanted: `exit 0 and the same checksum when started with \`ulimit -s ${SMALL_ULIMIT_KIB}\``,
      hint:
        "glibc sizes default thread stacks by `ulimit -s`: a fix that relies on glibc's large " +
        "default is no fix. " +
        STACK_HINT,
    },
  ],
} satisfies z.input<typeof ExerciseSchema>;
