/**
 * The k-means job's public parameters: strict
 * decimal numbers, CSV-style --features, the handshake parameters (features when horizontal,
 * ring bits), and the revealed list (feature names; init-row positions only for rows:).
 */
import assert from "node:assert/strict";
import {
  FEATURE_NAMES_REVEAL,
  handshakeParams,
  jobRevealedValues,
  ownFeatures,
  parseKmeansParams,
} from "../jobs/kmeans/params.ts";
import { VERTICAL_REVEALS } from "../kmeans/secure/vertical.ts";
import { InputError } from "../core/errors.ts";

for (
  const [name, text] of [
    ["tol", ""],
    ["tol", "0x1"],
    ["tol", " 1"],
    ["tol", "-1"],
    ["tol", "Infinity"],
    ["max-iter", "0x3"],
    ["max-iter", "3.0"],
    ["max-iter", "1e1"],
    ["k", " 0x5"],
    ["k", "5 "],
    ["k", "+5"],
    ["k", "2 .. 4"],
    ["frac-bits", ""],
    ["value-bits", "0b11"],
    ["init-seed", "-0"],
  ] as const
) {
  Deno.test(`--${name} ${JSON.stringify(text)} is refused as not a strict decimal`, () => {
    assert.throws(() => parseKmeansParams({ [name]: text }), InputError);
  });
}

Deno.test("strict decimals that are valid still parse", () => {
  const params = parseKmeansParams({ tol: "1e-4", "max-iter": "7", k: "3", "frac-bits": "0" });
  assert.equal(params.tol, 0.0001);
  assert.equal(params.maxIter, 7);
  assert.deepEqual(params.kValues, [3]);
  assert.equal(params.fractionalBits, 0);
  assert.equal(parseKmeansParams({ tol: "0.5" }).tol, 0.5);
  assert.equal(parseKmeansParams({ tol: "0" }).tol, 0);
  assert.deepEqual(parseKmeansParams({ k: "2..4" }).kValues, [2, 3, 4]);
});

Deno.test("horizontal handshake parameters carry the ordered feature names and 64 ring bits", () => {
  const params = parseKmeansParams({});
  const mine = handshakeParams(params, ["Age", "Income"]);
  assert.deepEqual(mine.features, ["Age", "Income"]);
  assert.equal(mine.ringBits, 64);
  const swapped = handshakeParams(params, ["Income", "Age"]);
  assert.notDeepEqual(mine.features, swapped.features);
});

Deno.test("vertical handshake parameters do not compare feature names (they differ by design)", () => {
  const params = parseKmeansParams({ partition: "vertical" });
  const mine = handshakeParams(params, ["Income"]);
  assert.equal("features" in mine, false);
  assert.equal(mine.ringBits, 64);
});

Deno.test("--features is split as one CSV line: quoted names may contain commas", () => {
  assert.deepEqual(ownFeatures({ features: '"Income, k$",Score' }, 0), ["Income, k$", "Score"]);
  assert.deepEqual(ownFeatures({ features: "x", "features-b": '"a,b"' }, 1), ["a,b"]);
  assert.throws(() => ownFeatures({ features: "a,,b" }, 0), /empty entry/);
  assert.throws(() => ownFeatures({}, 0), /--features/);
});

Deno.test("the revealed list names the feature names exchanged in the handshake", () => {
  for (const partition of ["horizontal", "vertical"]) {
    for (const k of ["5", "2..4"]) {
      const list = jobRevealedValues(parseKmeansParams({ partition, k }));
      assert.ok(list.includes(FEATURE_NAMES_REVEAL), `${partition} k=${k}`);
    }
  }
});

Deno.test("vertical: init-row joined positions are listed only for --init rows:", () => {
  for (const k of ["5", "2..4"]) {
    const rows = jobRevealedValues(
      parseKmeansParams({ partition: "vertical", k, init: "rows:0,1,2,3,4" }),
    );
    assert.ok(rows.includes(VERTICAL_REVEALS.initRows), `rows, k=${k}`);
    for (const init of ["random", "kmeans++"]) {
      const list = jobRevealedValues(parseKmeansParams({ partition: "vertical", k, init }));
      assert.ok(!list.includes(VERTICAL_REVEALS.initRows), `${init}, k=${k}`);
    }
  }
});
