import type { DetectedEnvironment } from "../runtime/detect.js";
import type { EnvironmentSession } from "../runtime/session.js";

/** A running container and what was detected in it. */
export interface StartedEnvironment {
  session: EnvironmentSession;
  detected: DetectedEnvironment;
}

/** Starts (once) and returns an environment's container: runs wait only for the ones they need. */
export type SessionOf = (environmentId: string) => Promise<StartedEnvironment>;
