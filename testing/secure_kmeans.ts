/**
 * Splitting a plaintext data set between two simulated parties and running secure k-means on
 * both sides in one process (in-memory channel), for tests and benches. Test seeds only: the
 * contexts come from the caller (e.g. testing/mpc_pair.ts memoryContextPair).
 *
 * Security: a harness sees both parties' data by construction; never used by the party CLI.
 *
 * @module
 */

import type { MpcContext } from "../protocol/context.ts";
import { encodeFixedPoint } from "../kmeans/fixed_reference.ts";
import type { Matrix } from "../kmeans/plain.ts";
import { jointLayout, type Partition } from "../kmeans/secure/layout.ts";
import { secureKmeans } from "../kmeans/secure/lloyd.ts";
import type { SecureKmeansOptions, SecureKmeansResult } from "../kmeans/secure/options.ts";

/**
 * Runs secure k-means with party A holding rows [0, split) (horizontal) or features
 * [0, split) (vertical) of `data`, party B the rest. Returns both parties' results.
 */
export async function runSplitInMemory(
  contexts: [MpcContext, MpcContext],
  data: Matrix,
  partition: Partition,
  split: number,
  options: SecureKmeansOptions,
): Promise<[SecureKmeansResult, SecureKmeansResult]> {
  const { n, d } = data;
  const encoded = encodeFixedPoint(data.rows, options.fractionalBits);
  const parts: BigUint64Array[] = [];
  const shapes: [{ rows: number; cols: number }, { rows: number; cols: number }] = [
    { rows: 0, cols: 0 },
    { rows: 0, cols: 0 },
  ];
  if (partition === "horizontal") {
    parts.push(new BigUint64Array(encoded.buffer, 0, split * d).slice());
    parts.push(new BigUint64Array(encoded.buffer, split * d * 8, (n - split) * d).slice());
    shapes[0] = { rows: split, cols: d };
    shapes[1] = { rows: n - split, cols: d };
  } else {
    for (const [from, to] of [[0, split], [split, d]]) {
      const part = new BigUint64Array(n * (to - from));
      for (let i = 0; i < n; i++) {
        for (let t = from; t < to; t++) {
          part[i * (to - from) + t - from] = BigInt.asUintN(64, encoded[i * d + t]);
        }
      }
      parts.push(part);
    }
    shapes[0] = { rows: n, cols: split };
    shapes[1] = { rows: n, cols: d - split };
  }
  const layout = jointLayout(partition, shapes);
  const [a, b] = await Promise.all([
    secureKmeans(contexts[0], layout, parts[0], options),
    secureKmeans(contexts[1], layout, parts[1], options),
  ]);
  return [a, b];
}
