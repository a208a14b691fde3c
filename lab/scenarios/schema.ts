import { z } from "zod";
import { FACT_KEY } from "../classify/measurements.js";
import { EnvironmentFeatureSchema, KEBAB_ID, LibcFamilySchema } from "../environments/schema.js";

/** `>=1.2.4`, `<1.2.4`, or both separated by a space (`>=1.1.21 <1.2.4`). */
export const VersionRangeSchema = z
  .string()
  .regex(/^(?:(?:>=|<=|>|<|=)\d+(?:\.\d+)*)(?: (?:>=|<=|>|<|=)\d+(?:\.\d+)*)*$/, {
    message: "a version range looks like `>=1.2.4` or `>=1.1.21 <1.2.4`",
  });

export const MeasurementExpectationSchema = z.union([
  /** The probe's `key=value` line must carry exactly this value. */
  z.string(),
  /** A numeric fact within bounds: measurements are stated with margins, never exactly. */
  z.strictObject({ min: z.number().optional(), max: z.number().optional() }),
  /** A value that must match this regular expression (e.g. any `GLIBC_2.x`). */
  z.strictObject({ pattern: z.string() }),
  /** The same value as another fact of the same run (e.g. the thread stack equals RLIMIT_STACK). */
  z.strictObject({ sameAs: z.string().regex(FACT_KEY) }),
]);
export type MeasurementExpectation = z.infer<typeof MeasurementExpectationSchema>;

/** Inclusive bounds on a sweep's value (e.g. the array size in KiB). */
export const ValueRangeSchema = z.strictObject({
  min: z.number().optional(),
  max: z.number().optional(),
});

/** An expectation's fields, before the checks across them (a classroom check omits `because`). */
export const ExpectationFieldsSchema = z.strictObject({
  /** Which libc (and versions of it, and values of a sweep) this expectation is for; omitted means any. */
  when: z
    .strictObject({
      family: LibcFamilySchema.optional(),
      version: VersionRangeSchema.optional(),
      /** Only for the values of the case's sweep within these bounds. */
      value: ValueRangeSchema.optional(),
    })
    .optional(),
  /**
   * `success` is exit status 0 and no signal; anything else is `failure`. `build-failure`: the
   * probe is predicted not to compile for this libc (a missing header or declaration); nothing is
   * run, and `output` patterns are matched against the compiler's output.
   */
  result: z.enum(["success", "failure", "build-failure"]),
  exitCode: z.number().int().min(0).max(255).optional(),
  /** e.g. `SIGSEGV`: the signal the probe must die of. */
  signal: z
    .string()
    .regex(/^SIG[A-Z0-9]+$/)
    .optional(),
  /** Regular expressions (multiline) that must all match stdout. */
  stdout: z.array(z.string()).optional(),
  /** Regular expressions (multiline) that must all match stderr. */
  stderr: z.array(z.string()).optional(),
  /**
   * Regular expressions (multiline) that must all match the compiler's output, for
   * `result: build-failure` only (e.g. `fatal error: execinfo\\.h: No such file or directory`).
   */
  output: z.array(z.string()).optional(),
  /** Facts the probe prints as `key=value` lines (or the ELF reader reports). */
  measurements: z.record(z.string(), MeasurementExpectationSchema).optional(),
  /** Why this libc behaves so: the report's explanation when the expectation holds. */
  because: z.string().min(1),
});

export const ExpectationSchema = ExpectationFieldsSchema.superRefine((expectation, ctx) => {
  const built = expectation.result !== "build-failure";
  if (!built) {
    for (const field of ["exitCode", "signal", "stdout", "stderr", "measurements"] as const) {
      if (expectation[field] !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message: `a build predicted to fail runs nothing: ${field} cannot apply`,
        });
      }
    }
  } else if (expectation.output !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["output"],
      message: "output (the compiler's) goes with result: build-failure, and only with it",
    });
  }
});
export type Expectation = z.infer<typeof ExpectationSchema>;

export const BuildSchema = z.strictObject({
  /** A file in c-src/. */
  probe: z.string().regex(/^[a-z0-9-]+\.c$/),
  /**
   * Compiled for this libc, with the compile recipe of the selected environment of that family;
   * `native`: for the libc of each environment the case runs on, with that environment's recipe.
   */
  for: z.union([LibcFamilySchema, z.literal("native")]),
  link: z.enum(["dynamic", "static"]),
  /** Extra compiler and linker flags, e.g. `-Wl,-z,stack-size=1048576`. */
  flags: z.array(z.string()).default([]),
});
export type Build = z.infer<typeof BuildSchema>;

/** Where the value of a sweep or a search goes in `args`. */
export const VALUE_PLACEHOLDER = "{value}";

/** Variable names as POSIX shells accept them. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Addresses a DNS fixture may listen on and resolv.conf may name: the container's own loopback
 * only. The lab never sends a query anywhere else, not even by a typo in scenario data.
 */
export const LOOPBACK_ADDRESS = /^(?:127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|::1)$/;

const DNS_NAME =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const DnsActionSchema = z.enum(["drop", "servfail", "nxdomain", "refused", "delay"]);

/**
 * The hermetic DNS world of one case: the container's resolv.conf and hosts file, and what the
 * fixture server (c-src/dns-fixture.c) answers on which loopback address.
 */
export const DnsFixtureSchema = z
  .strictObject({
    /** /etc/resolv.conf, line by line; every nameserver must be a loopback address. */
    resolvConf: z.array(z.string()).min(1),
    /** /etc/hosts, line by line. */
    hosts: z.array(z.string()).default(["127.0.0.1 localhost"]),
    /** Where the fixture listens (UDP and TCP port 53). */
    listen: z.array(z.string().regex(LOOPBACK_ADDRESS)).min(1).default(["127.0.0.1"]),
    records: z
      .array(
        z.strictObject({
          name: z.string().regex(DNS_NAME),
          type: z.enum(["A", "AAAA"]),
          /** Documentation ranges (192.0.2.0/24, 2001:db8::/32): answers, never destinations. */
          address: z.string().min(2),
        }),
      )
      .default([]),
    /** A big answer: COUNT A records, more than fit in 512 bytes of UDP. */
    many: z
      .array(
        z.strictObject({
          name: z.string().regex(DNS_NAME),
          count: z.number().int().min(1).max(254),
          /** tc-empty: the truncated UDP reply carries no records (as CoreDNS); tc-partial: what fits. */
          truncation: z.enum(["tc-empty", "tc-partial"]).default("tc-empty"),
        }),
      )
      .default([]),
    /** Misbehaviour, first match wins: per server (`*` any) and name (`*` any). */
    rules: z
      .array(
        z.strictObject({
          server: z.union([z.literal("*"), z.string().regex(LOOPBACK_ADDRESS)]),
          name: z.union([z.literal("*"), z.string().regex(DNS_NAME)]),
          action: DnsActionSchema,
          /** For `delay`: how long the answer is held back. */
          delayMs: z.number().int().positive().max(60_000).optional(),
        }),
      )
      .default([]),
  })
  .superRefine((fixture, ctx) => {
    for (const line of fixture.resolvConf) {
      const server = /^\s*nameserver\s+(\S+)/.exec(line)?.[1];
      if (server !== undefined && !LOOPBACK_ADDRESS.test(server)) {
        ctx.addIssue({
          code: "custom",
          path: ["resolvConf"],
          message: `nameserver ${server} is not a loopback address; DNS cases only talk to their own fixture`,
        });
      }
    }
    for (const rule of fixture.rules) {
      if ((rule.action === "delay") !== (rule.delayMs !== undefined)) {
        ctx.addIssue({
          code: "custom",
          path: ["rules"],
          message: "delayMs goes with the delay action, and only with it",
        });
      }
    }
  });
export type DnsFixture = z.infer<typeof DnsFixtureSchema>;

/** How a probe binary is started: the part of a check that `run` and `search` share. */
const ProbeCommandShape = {
  /** Run in every selected environment of this libc, or in `every` selected environment. */
  on: z.union([LibcFamilySchema, z.literal("every")]),
  /** Run on the variant with this feature instead (e.g. Alpine + gcompat). */
  feature: EnvironmentFeatureSchema.optional(),
  /** May contain `{value}`, replaced by each value of the case's sweep or search. */
  args: z.array(z.string()).default([]),
  /** Variables set for the probe; `null` unsets one (e.g. LANG), as `env -u` does. */
  env: z.record(z.string().regex(ENV_NAME), z.string().nullable()).default({}),
  /** Resource limits the shell sets before starting the probe, as a user's `ulimit` would. */
  limits: z
    .strictObject({
      /** `ulimit -s`: RLIMIT_STACK in KiB, which glibc also uses as the default thread stack. */
      stackKib: z.number().int().positive(),
    })
    .optional(),
  timeoutMs: z.number().int().positive().default(10_000),
  /**
   * Environments that join this case (and only this one) whenever an environment of their libc
   * is selected: e.g. musl 1.2.3, to show what changed in musl 1.2.4.
   */
  alsoOn: z.array(z.string().regex(KEBAB_ID)).default([]),
};

export const SearchSchema = z.strictObject({
  /** The first value tried; it is expected to pass. */
  from: z.number().int().positive(),
  /** The search gives up (limit = max) when nothing up to here fails. */
  max: z.number().int().positive(),
  /** Stop when the largest passing and the smallest failing value are this close. */
  resolution: z.number().int().positive(),
  /** What the value counts, for reports: `KiB`. */
  unit: z.string().min(1),
  /**
   * A fact the probe prints that estimates the limit (thread-stack: `stack_kib`, the stack the
   * thread got). After the doubling round, the next round tries values around it, so the search
   * lands near the boundary at once; the limit is still what the runs on both sides of it showed.
   */
  hintKey: z.string().regex(FACT_KEY).optional(),
});
export type Search = z.infer<typeof SearchSchema>;

export const CheckSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    /** Copy the binary to every selected environment of this family and run it there. */
    kind: z.literal("run"),
    ...ProbeCommandShape,
    /** Start the DNS fixture with this data before the run and collect its query log after. */
    dns: DnsFixtureSchema.optional(),
  }),
  z.strictObject({
    /**
     * Find the largest value for which the probe succeeds, by bisection over separate runs (a
     * crash ends only its own run). Reports `limit`, `first_failure` and `runs` as measurements,
     * plus the facts the probe printed at the limit.
     */
    kind: z.literal("search"),
    ...ProbeCommandShape,
    search: SearchSchema,
  }),
  z.strictObject({
    /** Read the binary with the lab's own ELF reader, as `readelf` would, without running it. */
    kind: z.literal("elf"),
  }),
]);
export type Check = z.infer<typeof CheckSchema>;

export const CaseRoleSchema = z.enum([
  /** Shows the normal, working situation. */
  "baseline",
  /** Shows the failure the scenario is about. */
  "demonstration",
  /** Looks at the evidence (binary headers) that explains the failure. */
  "diagnosis",
  /** Applies a fix; success proves it. */
  "fix",
]);
export type CaseRole = z.infer<typeof CaseRoleSchema>;

export const CaseSchema = z.strictObject({
  /** Stable, kebab-case: reports and baselines refer to it. */
  id: z.string().regex(KEBAB_ID),
  title: z.string().min(1),
  role: CaseRoleSchema,
  build: BuildSchema,
  check: CheckSchema,
  /** The first expectation whose `when` matches the environment's detected libc applies. */
  expect: z.array(ExpectationSchema).min(1),
  /** Extra teaching text shown with the case, e.g. a caveat of this fix. */
  note: z.string().optional(),
  /**
   * Runs the case this many times (a timing case: at least 5). Numeric facts also get `.min`,
   * `.median` and `.max` over the runs, and `repeats.consistent` says whether every run ended the
   * same way; the first run is the one shown and classified, with those facts added.
   */
  repeat: z.number().int().min(1).max(50).default(1),
  /**
   * Runs the case once per value, `{value}` in the args replaced: one result each, with the id
   * `<case id>-<value>`, shown together as a table (value by environment).
   */
  sweep: z
    .strictObject({
      values: z.array(z.number().int().nonnegative()).min(1),
      /** What the value counts, for reports: `KiB`. */
      unit: z.string().min(1),
    })
    .optional(),
});
export type Case = z.infer<typeof CaseSchema>;

/**
 * The unit a report writes after a numeric fact: one word form, or both when the fact can be 1
 * ("1 TCP query", "3 TCP queries").
 */
export const UnitSchema = z.union([
  z.string().min(1),
  z.strictObject({ one: z.string().min(1), other: z.string().min(1) }),
]);
export type Unit = z.infer<typeof UnitSchema>;

/** A fact a report shows: one measurement of one case (or of one value of a sweep). */
export const MeasurementRefSchema = z.strictObject({
  /** A case id, or `<case id>-<value>` for one value of a sweep. */
  case: z.string().regex(KEBAB_ID),
  key: z.string().regex(FACT_KEY),
});
export type MeasurementRef = z.infer<typeof MeasurementRefSchema>;

/** How far a measurement may move between a baseline and a later run before the comparison lists it. */
export const ToleranceSchema = z.discriminatedUnion("kind", [
  /** Not compared: single wall-clock timings and search bookkeeping vary from run to run. */
  z.strictObject({ kind: z.literal("ignore") }),
  /** The value must be the same string. */
  z.strictObject({ kind: z.literal("exact") }),
  /**
   * Numbers may move by `relative` of the baseline's value or by `absolute`, whichever is larger;
   * a value that is not a number on either side is compared exactly.
   */
  z.strictObject({
    kind: z.literal("numeric"),
    relative: z.number().nonnegative(),
    absolute: z.number().nonnegative(),
  }),
]);
export type Tolerance = z.infer<typeof ToleranceSchema>;

export const ToleranceRuleSchema = z.strictObject({
  /** A measurement key; `*` stands for one or more characters, dots included (`lookup.*.ms`). */
  pattern: z.string().regex(/^[a-z0-9_.*]+$/),
  tolerance: ToleranceSchema,
  /** Why this tolerance, for docs/reports.md and for whoever changes it. */
  why: z.string().min(1),
});
export type ToleranceRule = z.infer<typeof ToleranceRuleSchema>;

export const ReportSpecSchema = z.strictObject({
  /** Side-by-side tables: one row per fact, one column per environment; differing rows marked. */
  tables: z
    .array(
      z.strictObject({
        title: z.string().min(1),
        rows: z.array(
          MeasurementRefSchema.extend({
            label: z.string().min(1),
            unit: UnitSchema.optional(),
            /** Show the difference: this measurement minus that one (e.g. stack size - limit). */
            minus: MeasurementRefSchema.optional(),
          }),
        ),
        /** What the table shows and why the numbers are what they are. */
        note: z.string().optional(),
        /** Shown right after this case (or sweep) instead of after all cases. */
        after: z.string().regex(KEBAB_ID).optional(),
      }),
    )
    .default([]),
  /**
   * Popular claims checked against this run: for each environment (of `family`, if given) the
   * measurement and whether the claim holds there.
   */
  claims: z
    .array(
      MeasurementRefSchema.extend({
        claim: z.string().min(1),
        family: LibcFamilySchema.optional(),
        /** The claim holds where the measurement fits this. */
        holdsWhen: MeasurementExpectationSchema,
        unit: UnitSchema.optional(),
      }),
    )
    .default([]),
  /**
   * Facts shown on one line with a case in the console, when the tables carry the rest: what the
   * probe answered (e.g. `lookup.1.addrs`, `lookup.1.error`, `total_ms.median`). Case id -> keys.
   */
  highlights: z
    .record(z.string().regex(KEBAB_ID), z.array(z.string().regex(FACT_KEY)).min(1))
    .default({}),
  /** What to do, each piece backed by the case (or sweep) whose outcome proves it. */
  advice: z
    .array(
      z.strictObject({
        text: z.string().min(1),
        /** The case (or sweep) whose outcomes back this advice, shown per environment. */
        evidence: z.string().regex(KEBAB_ID).optional(),
        /** A measurement that backs it, shown per environment (e.g. the sort order each got). */
        measured: MeasurementRefSchema.extend({ unit: UnitSchema.optional() }).optional(),
      }),
    )
    .default([]),
  /**
   * Values marked on a sweep's chart, per environment: the measured limits the sweep is about
   * (thread-stack: the survival limit and the default stack size on the array-size sweep).
   */
  sweepMarkers: z
    .array(
      MeasurementRefSchema.extend({
        /** The sweep case whose chart gets the mark. */
        sweep: z.string().regex(KEBAB_ID),
        /** Next to the mark: `survives up to`. */
        label: z.string().min(1),
        /** In the chart's legend: `measured survival limit`. */
        legend: z.string().min(1),
        /** Solid for a measured limit, dashed for a configured size. */
        style: z.enum(["solid", "dashed"]),
      }),
    )
    .optional(),
  /**
   * Charts of the repeated cases' timings: the measurement whose `.min`, `.median` and `.max`
   * (over the repeats) are drawn, for every case that repeats and reports it.
   */
  timings: z
    .strictObject({
      key: z.string().regex(FACT_KEY),
      unit: z.string().min(1),
      /** The heading above the charts. */
      heading: z.string().min(1),
    })
    .optional(),
  /**
   * How far this scenario's measurements may move against a baseline, tried in order before the
   * lab's own rules (every other fact is compared exactly): the first pattern that matches wins.
   */
  tolerances: z.array(ToleranceRuleSchema).optional(),
});
export type ReportSpec = z.infer<typeof ReportSpecSchema>;

/** How a scenario's data cites one of its sources: kebab-case, unique within the scenario. */
export const SourceKeySchema = z.string().regex(KEBAB_ID);

/** One public source: a manual section, a commit, a source file, an issue thread. */
export const SourceSchema = z.strictObject({
  /** What it is and what it says, as the reports print it: `musl FAQ, 'Can I run ...?'`. */
  title: z.string().min(1),
  /** Where to read it, when it is on the web. */
  url: z.url({ protocol: /^https?$/ }).optional(),
});
export type Source = z.infer<typeof SourceSchema>;

/** A way to look at the problem, as a student would at a shell (or with the lab's own reader). */
export const DiagnoseStepSchema = z.strictObject({
  /** The tool: `file`, `readelf -l`, `ldd`, `gdb`, the lab's ELF reader, a shell command. */
  tool: z.string().min(1),
  /** A command line to type, when there is one. */
  command: z.string().min(1).optional(),
  /** What it shows and how to read it. */
  shows: z.string().min(1),
});

/** One way out, and when it is the right one. */
export const LessonFixSchema = z.strictObject({
  fix: z.string().min(1),
  /** What to do, concretely. */
  how: z.string().min(1),
  /** When to choose this fix over the others (and its price). */
  whenToChoose: z.string().min(1),
  /** A case of this scenario that applies the fix and proves it (shown by `explain`). */
  provenBy: z.string().regex(KEBAB_ID).optional(),
});

/**
 * The scenario's lesson, for classrooms: `npm run lab -- explain <scenario>` renders it without
 * running anything. It lives with the scenario's data so that the lesson and the report, which
 * show the same cases, never disagree.
 */
export const LessonSchema = z.strictObject({
  /** The background, paragraph by paragraph: what a C library is, linking, threads, ... */
  concept: z.array(z.string().min(1)).min(1),
  /** Why glibc and musl behave differently, each point citing the scenario's sources by key. */
  whyTheyDiffer: z
    .array(z.strictObject({ text: z.string().min(1), sources: z.array(SourceKeySchema).min(1) }))
    .min(1),
  /** How to diagnose it on a real system. */
  diagnose: z.array(DiagnoseStepSchema).min(1),
  /** The fixes, each with when to choose it. */
  fixes: z.array(LessonFixSchema).min(1),
  /** Exactly three review questions. */
  questions: z.array(z.string().min(1)).length(3),
});
export type Lesson = z.infer<typeof LessonSchema>;

export const ScenarioSchema = z.strictObject({
  id: z.string().regex(KEBAB_ID),
  title: z.string().min(1),
  /** One line for `--list`. */
  summary: z.string().min(1),
  /** The lesson: what happens and why, in a few sentences. */
  description: z.string().min(1),
  /**
   * Public sources the expectations rest on (URLs, commits, manual sections), each declared once
   * under a key the lesson cites; reports list them in this order.
   */
  sources: z
    .record(SourceKeySchema, SourceSchema)
    .refine(
      (sources) => Object.keys(sources).length > 0,
      "a scenario rests on at least one source",
    ),
  /**
   * True when cases measure time: then every run waits for the previous one, so no other probe
   * competes for the two cores. Otherwise a few runs share the machine at once.
   */
  exclusiveRuns: z.boolean().default(false),
  cases: z.array(CaseSchema).min(1),
  /**
   * What the images must hold for the scenario to mean anything. A glibc environment without these
   * generated locales collates like musl and would show no difference: its cases are then
   * infra-errors, never quiet passes. Names as `locale -a` lists them, compared case- and
   * dash-insensitively (`de_DE.UTF-8` = `de_DE.utf8`).
   */
  requires: z.strictObject({ glibcLocales: z.array(z.string().min(1)).default([]) }).optional(),
  /** Scenario-level views beyond the case list. */
  report: ReportSpecSchema.default({ tables: [], claims: [], highlights: {}, advice: [] }),
  /** The lesson `explain` shows; every registered scenario has one (test-only scenarios need none). */
  lesson: LessonSchema.optional(),
  /**
   * When `check` should point at this lesson: an artifact that imports any of these symbols meets
   * the difference this scenario shows (`getaddrinfo` -> dns). Read by lab/check/advice.ts.
   */
  checkHint: z
    .strictObject({
      imports: z.array(z.string().min(1)).min(1),
      /** Only when the file has no PT_GNU_STACK size (`-Wl,-z,stack-size` raises musl's threads' stacks). */
      unlessStackSize: z.boolean().default(false),
      /** What the difference means for such a program, one sentence. */
      text: z.string().min(1),
    })
    .optional(),
});
export type Scenario = z.infer<typeof ScenarioSchema>;
