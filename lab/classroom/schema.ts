import { z } from "zod";
import { KEBAB_ID } from "../environments/schema.js";
import { BuildSchema, CheckSchema, ExpectationFieldsSchema } from "../scenarios/schema.js";

/** The `run` member of the scenarios' check union: exercise checks run the student's program. */
const RunCheckSchema = CheckSchema.options[0];

/**
 * One check of an exercise: how the student's file is built and run, and what must come out. It
 * becomes a case of an in-memory scenario, so the lab's own machinery builds, runs and classifies
 * it, in every selected environment it concerns.
 */
export const ExerciseCheckSchema = z.strictObject({
  /** Stable, kebab-case: verdicts (and a teacher's collected results) refer to it. */
  id: z.string().regex(KEBAB_ID),
  title: z.string().min(1),
  /** How the student's file is built; the probe is always the student's file. */
  build: BuildSchema.omit({ probe: true }).default({
    for: "native",
    link: "dynamic",
    flags: [],
  }),
  /** How it is run: where, with which args, env, limits and DNS fixture (see CheckSchema). */
  run: RunCheckSchema.omit({ kind: true }),
  /** What must be observed, per libc where it differs; the first that fits the environment applies. */
  expect: z.array(ExpectationFieldsSchema.omit({ because: true })).min(1),
  /** What is wanted, in words a student understands: shown with every verdict. */
  wanted: z.string().min(1),
  /** Shown when the check fails: a nudge towards the fix, never the fix itself. */
  hint: z.string().min(1),
});
export type ExerciseCheck = z.infer<typeof ExerciseCheckSchema>;

export const ExerciseSchema = z.strictObject({
  /** Kebab-case, stable: `npm run lab -- exercise <name>`. */
  name: z.string().regex(KEBAB_ID),
  /** The scenario whose lesson this exercise practises. */
  scenario: z.string().regex(KEBAB_ID),
  title: z.string().min(1),
  /** One line for the list of exercises. */
  summary: z.string().min(1),
  /** The task, paragraph by paragraph. */
  task: z.array(z.string().min(1)).min(1),
  /** The starter file in c-src/exercises/: it reproduces the problem and carries a TODO. */
  starter: z.string().regex(/^[a-z0-9-]+\.c$/),
  checks: z.array(ExerciseCheckSchema).min(1),
});
export type Exercise = z.infer<typeof ExerciseSchema>;
