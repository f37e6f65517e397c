/**
 * One party of the secure k-means job over TCP, for bench/kmeans_launch.ts (two processes):
 * `deno run -A bench/kmeans_party.ts --role 0 --listen 127.0.0.1:PORT --data FILE --json OUT
 * [k-means job options]`. Writes the job's JSON result to OUT.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runMain, UserError } from "../cli/errors.ts";
import { kmeansJob } from "../kmeans/job.ts";
import { parseHostPort } from "../party/net.ts";
import { runParty } from "../party/party_runner.ts";

async function main(): Promise<number> {
  const options: Record<string, { type: "string" | "boolean" }> = {
    role: { type: "string" },
    listen: { type: "string" },
    connect: { type: "string" },
    data: { type: "string" },
    json: { type: "string" },
    seed: { type: "string" },
    quiet: { type: "boolean" },
  };
  for (const [name, option] of Object.entries(kmeansJob.options)) {
    options[name] = { type: option.type };
  }
  const { values } = parseArgs({ args: Deno.args, options, strict: true });
  const role = values.role === "1" ? 1 : 0;
  const jobValues: Record<string, string | boolean | undefined> = {};
  for (const name of Object.keys(kmeansJob.options)) {
    jobValues[name] = values[name] as string | boolean | undefined;
  }
  jobValues.seed = values.seed as string | undefined;
  if (!values.data) throw new UserError("--data is required");
  const report = await runParty({
    job: kmeansJob,
    jobValues,
    role,
    listen: values.listen ? parseHostPort(values.listen as string) : undefined,
    connect: values.connect ? parseHostPort(values.connect as string) : undefined,
    dataPath: values.data as string,
    log: values.quiet ? () => {} : (line) => console.log(`[${"AB"[role]}] ${line}`),
  });
  if (values.json) await Deno.writeTextFile(values.json as string, JSON.stringify(report.result));
  return 0;
}

if (import.meta.main) await runMain(main);
