/**
 * The pluggable unit of work that a party (`deno task party`) runs over a session.
 *
 * A job has a name, its own command-line options and two steps:
 * 1. `prepare` (before any network traffic): validate options, load this party's data, and
 *    return the public parameters both parties must agree on plus this party's public facts.
 *    The runner adds `job` (the job name) to the parameters and checks them in the handshake,
 *    so a mismatch stops both parties before any secret is touched.
 * 2. `run` (after handshake and coin toss): the secure computation over the session's channel.
 *    Its JSON-able return value is the party's result (written to `--json`).
 *
 * 3. The runner then ends every job with one agreement byte each way, so neither party closes
 *    (or reports success) while the other is still working or has failed.
 *
 * To add a job: implement {@link PartyJob} in its own module and list it in `jobs/registry.ts`.
 * A job that needs OT extension builds its `MpcContext` in `run` from the context below,
 * e.g. `setupOtEndpoints(ctx.channel, ctx.role, new Prg(ctx.privateSeed), ctx.sessionId)`.
 *
 * @module
 */

import type { Channel } from "../party/channel.ts";
import type { JsonValue } from "../core/json.ts";

/** A job-specific command-line option (a `node:util` parseArgs option plus help text). */
export interface JobOption {
  /** Value kind. */
  type: "string" | "boolean";
  /** Default value when the option is absent. */
  default?: string | boolean;
  /** One line for `--help`. */
  help: string;
}

/** Inputs of {@link PartyJob.prepare}. */
export interface JobPrepareInput {
  /** This party's role. */
  role: 0 | 1;
  /** The `--data` file, if given. */
  dataPath?: string;
  /** Values of the job's own options (parsed per {@link PartyJob.options}). */
  values: Record<string, string | boolean | undefined>;
  /** Progress lines (never secrets). */
  log: (line: string) => void;
}

/** What a prepared job brings to the session. */
export interface PreparedJob {
  /** Public parameters that must be identical on both sides (the runner adds `job`). */
  params: Record<string, JsonValue>;
  /** This party's public facts, delivered to the peer as `peerFacts`. */
  facts?: Record<string, JsonValue>;
  /** The secure computation; resolves to this party's JSON-able result. */
  run(ctx: JobContext): Promise<JsonValue>;
}

/** Everything a running job gets from the session. */
export interface JobContext {
  /** The channel to the peer (set phase labels with `inPhase`). */
  channel: Channel;
  /** This party's role. */
  role: 0 | 1;
  /** Common 16-byte session id (for domain separation). */
  sessionId: Uint8Array;
  /** Common 16-byte seed from the coin toss: public between the parties. */
  jointSeed: Uint8Array;
  /** This party's private 16-byte seed: the source of every mask it sends. */
  privateSeed: Uint8Array;
  /** The peer's public facts. */
  peerFacts: Record<string, JsonValue>;
  /** Progress lines (never secrets or shares). */
  log: (line: string) => void;
}

/** A job the party CLI can run. */
export interface PartyJob {
  /** Name used with `--job`. */
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** The job's own command-line options, by long name. */
  options: Record<string, JobOption>;
  /** Validates options and loads local data; see the module doc. */
  prepare(input: JobPrepareInput): Promise<PreparedJob>;
  /**
   * What `--json` holds: the job's result alone (`"result"`) or the whole
   * {@link import("./runner.ts").PartyReport} (`"report"`, the default).
   */
  jsonContent?: "result" | "report";
  /** The lines printed after a successful run; default: `result: <JSON>`. */
  summarize?(result: JsonValue): string[];
}
