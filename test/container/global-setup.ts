import { defaultEnvironmentIds, ENVIRONMENTS } from "../../lab/environments/index.js";
import type { Environment } from "../../lab/environments/schema.js";
import { prepareImages } from "../../lab/runtime/prepare-images.js";

/**
 * Container tests need a Docker engine and the default images. Both are made here, once, with the
 * lab's own preflight (so a fresh machine provisions itself) and its progress lines; if Docker
 * cannot be provided this throws and the whole run fails: container tests are never skipped.
 */
export default async function setup(): Promise<void> {
  const environments = defaultEnvironmentIds().map((id) => ENVIRONMENTS.get(id) as Environment);
  const started = Date.now();
  const prepared = await prepareImages(environments, "auto", (line) =>
    process.stderr.write(`[container tests] ${line}\n`),
  );
  const tags = [...prepared.environments.values()].map(({ resolution: r }) =>
    "tag" in r ? r.tag : r.unavailable,
  );
  process.stderr.write(
    `[container tests] images ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${tags.join(", ")}\n`,
  );
}
