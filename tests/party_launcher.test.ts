/**
 * The two-process launcher (party/launcher.ts): the children's stderr reaches our stderr with
 * the party prefix, the failure line repeats the error of the party that failed first, and
 * SIGINT/SIGTERM to a launching process kills both parties, removes every temporary
 * directory and exits 130/143 with one line.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { freePort, launchParties } from "../cli/launcher.ts";

const LAUNCHER = new URL("../cli/launcher.ts", import.meta.url).href;
const MALL = fileURLToPath(new URL("../data/Mall_Customers.csv", import.meta.url));

Deno.test("launcher: child stderr goes to errorLog, stdout to log, both prefixed", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const outcome = await launchParties({
    commonArgs: ["--job", "secure-sum", "--data", MALL],
    partyArgs: [["--columns", "Age,Annual Income (k$)"], ["--columns", "Age"]],
    log: (line) => out.push(line),
    errorLog: (line) => err.push(line),
  });
  assert.deepEqual(outcome.exitCodes, [2, 2]);
  for (const party of ["A", "B"]) {
    assert.ok(
      err.some((line) => line.startsWith(`[${party}] error: job parameters differ`)),
      err.join("\n"),
    );
    assert.ok(!out.some((line) => line.includes("error:")), out.join("\n"));
    assert.ok(out.some((line) => line.startsWith(`[${party}] `)), out.join("\n"));
  }
});

Deno.test("launcher: the failure line repeats the error of the party that failed first", async () => {
  const err: string[] = [];
  const outcome = await launchParties({
    commonArgs: ["--job", "secure-sum", "--columns", "Age"],
    partyArgs: [["--data", MALL], ["--data", "/nonexistent/b.csv"]],
    log: () => {},
    errorLog: (line) => err.push(line),
    killGraceMs: 300, // A waits for a peer that never comes
  });
  assert.equal(outcome.exitCodes[1], 2);
  assert.notEqual(outcome.exitCodes[0], 0);
  assert.match(outcome.errors[1] ?? "", /^cannot read \/nonexistent\/b\.csv/);
  assert.ok(outcome.failure, "a failure line");
  assert.match(
    outcome.failure,
    new RegExp(
      `^party B: cannot read /nonexistent/b\\.csv.* \\(party A exited with ` +
        `${outcome.exitCodes[0]}, party B with 2\\)$`,
    ),
  );
  assert.ok(err.some((line) => line.startsWith("[B] error: cannot read")), err.join("\n"));
});

/** True while process `pid` exists (`kill -0` through sh, which every Linux/macOS has). */
async function alive(pid: number): Promise<boolean> {
  const { code } = await new Deno.Command("sh", {
    args: ["-c", 'kill -0 "$1" 2>/dev/null', "sh", String(pid)],
  }).output();
  return code === 0;
}

async function killIfAlive(pid: number): Promise<void> {
  if (!(await alive(pid))) return;
  try {
    Deno.kill(pid, "SIGKILL");
  } catch {
    // ended meanwhile
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

for (const [signal, expectedCode] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test(`launcher: ${signal} kills both parties, removes the temp dirs, exits ${expectedCode}`, async () => {
    const work = await Deno.makeTempDir({ prefix: "ppkm-launcher-test-" });
    // Whatever this test started is killed at the end even if an assertion fails first.
    const cleanup: (() => Promise<void>)[] = [];
    try {
      const callerDir = `${work}/caller-temp`;
      await Deno.mkdir(callerDir);
      await Deno.writeTextFile(`${callerDir}/split.csv`, "x\n1\n");
      const script = `${work}/launch.ts`;
      await Deno.writeTextFile(
        script,
        `import { launchParties } from ${JSON.stringify(LAUNCHER)};\n` +
          `await launchParties({ port: Number(Deno.args[0]), tempDirs: [Deno.args[1]],\n` +
          `  onStart: (info) => console.log("started " + JSON.stringify(info)),\n` +
          `  commonArgs: ["--job", "net-bench", "--stream-mib", "1000000", "--frame-mib", "4"] });\n`,
      );
      const port = freePort();
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--allow-all", script, String(port), callerDir],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      cleanup.push(() => killIfAlive(child.pid));
      const stderr = new Response(child.stderr).text();
      // Wait until both parties report their session, i.e. are well into the job.
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let stdout = "";
      while ((stdout.match(/session established/g) ?? []).length < 2) {
        const { value, done } = await reader.read();
        if (done) break;
        stdout += value;
      }
      const started = JSON.parse(stdout.match(/^started (.*)$/m)?.[1] ?? "null") as
        | { pids: [number, number]; tempDir: string }
        | null;
      assert.ok(started, `the launcher reported its children: ${stdout}`);
      for (const pid of started.pids) cleanup.push(() => killIfAlive(pid));
      cleanup.push(() => Deno.remove(started.tempDir, { recursive: true }).catch(() => {}));
      const launcherDir = started.tempDir;
      for (const pid of started.pids) assert.ok(await alive(pid), `party ${pid} running`);
      assert.ok(await exists(launcherDir), "launcher temp dir exists");

      child.kill(signal);
      const drain = (async () => {
        for (;;) if ((await reader.read()).done) break;
      })();
      const status = await child.status;
      await drain;
      const errorText = (await stderr).trim();
      assert.equal(status.code, expectedCode, errorText);
      assert.equal(
        errorText.split("\n").at(-1),
        `error: interrupted by ${signal}: stopped both parties and removed the temporary files`,
      );
      for (const pid of started.pids) assert.equal(await alive(pid), false, `party ${pid} left`);
      assert.equal(await exists(launcherDir), false, "launcher temp dir left behind");
      assert.equal(await exists(callerDir), false, "caller's temp dir left behind");
    } finally {
      for (const step of cleanup) await step();
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  });
}
