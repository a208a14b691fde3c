import type { Executor, StartedEnvironment } from "../run/executor.js";
import { removeAllContainers } from "./container-registry.js";
import { detectEnvironment } from "./detect.js";
import { isResolved } from "./images.js";
import type { PreparedEnvironment } from "./prepare-images.js";
import { EnvironmentSession } from "./session.js";

/** One long-lived container per environment (an EnvironmentSession), detected once it is up. */
export class DockerExecutor implements Executor {
  private readonly sessions: Promise<EnvironmentSession>[] = [];

  async start(prepared: PreparedEnvironment): Promise<StartedEnvironment> {
    const { resolution } = prepared;
    if (!isResolved(resolution)) {
      throw new Error(`no image for environment ${prepared.environment.id}`);
    }
    const starting = EnvironmentSession.start(
      resolution.environment,
      resolution.mode,
      resolution.tag,
    );
    this.sessions.push(starting);
    const session = await starting;
    const detected = await detectEnvironment(session, prepared.imageId ?? "");
    return {
      environment: session.environment,
      detected,
      run: (command, options) => session.run(command, options),
      runBatch: (runs, options) => session.runBatch(runs, options),
      putFiles: (files) => session.putFiles(files),
      readFile: (path) => session.readFile(path),
    };
  }

  async stop(): Promise<void> {
    const settled = await Promise.allSettled(this.sessions);
    await Promise.all(settled.map((s) => (s.status === "fulfilled" ? s.value.stop() : null)));
    await removeAllContainers();
  }
}
