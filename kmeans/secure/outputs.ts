/**
 * The end of a secure k-means run: one more assignment against the final centroids (as the
 * plaintext reference does), then the openings the reveal set allows and nothing else — the
 * final centroids to both, each party's own labels (horizontal) or the joined rows' labels
 * (vertical), and, only when asked, the final sizes and the exact inertia (or, for the elbow
 * sweep, the inertia alone).
 *
 * @module
 */

import { PeerError } from "../../core/errors.ts";
import { open } from "../../protocol/sharing.ts";
import { concatBits, openBits, openBitsTo, sliceBits, unpackBits } from "../../protocol/binary.ts";
import { bitTimesOwnerValues } from "../../protocol/conversion.ts";
import { assignRows, secureDistances } from "./assign.ts";
import { inertiaMayWrap, prepareInertia, rowInertiaShares } from "./inertia.ts";
import type { LloydSession } from "./session.ts";
import { revealedValues, type SecureKmeansResult } from "./options.ts";

/** The final assignment and the opened outputs. */
export async function finalOutputs(
  session: LloydSession,
  state: { centroids: BigUint64Array; nIter: number; converged: boolean },
): Promise<Omit<SecureKmeansResult, "offlineSeconds" | "onlineSeconds">> {
  const { ctx, layout, bounds, own, options } = session;
  const { centroids, nIter, converged } = state;
  const { n } = layout;
  const { k } = options;
  const distances = await secureDistances(session, centroids, { k, form: options.distance });
  const shape = { n, k, bits: bounds.distanceBits };
  const { oneHot, minimum } = await assignRows(session, distances, shape);
  const inertiaRows = options.inertiaOnly || options.revealInertia
    ? rowInertiaShares(ctx, layout, own, minimum, options.distance)
    : null;
  const inertiaOpening = inertiaRows === null ? null : prepareInertia(
    ctx,
    inertiaRows,
    inertiaMayWrap(n, layout.d, bounds),
    options.fractionalBits,
  );
  if (options.inertiaOnly) {
    const opening = inertiaOpening!;
    const products = await bitTimesOwnerValues(
      ctx,
      opening.choiceBits,
      0,
      opening.ownerValues,
      1,
      opening.productCount,
    );
    // Opened by design: the final inertia.
    const inertia = opening.decode(await open(ctx, opening.shares(products)));
    return {
      centroids: new Float64Array(0),
      fixedCentroids: new BigInt64Array(0),
      labels: new Int32Array(0),
      nIter,
      converged,
      inertia,
      revealed: ["convergence bit of each iteration (both)", "final inertia (both)"],
    };
  }
  // Opened by design: the final centroids, to both.
  const opened = await open(ctx, centroids);
  const fixedCentroids = new BigInt64Array(opened.buffer, opened.byteOffset, opened.length);
  const scale = 2 ** options.fractionalBits;
  const decoded = Float64Array.from(fixedCentroids, (v) => Number(v) / scale);
  // Labels: one-hot bits of each row opened to the parties allowed to see them.
  let labelBits: Uint8Array;
  let labelRows: number;
  if (layout.partition === "horizontal") {
    const block = layout.blocks[ctx.role];
    const mine = await openBitsTo(
      ctx,
      sliceBits(oneHot, layout.blocks[0].rowStart * k, layout.blocks[0].rowCount * k),
      sliceBits(oneHot, layout.blocks[1].rowStart * k, layout.blocks[1].rowCount * k),
      layout.blocks[0].rowCount * k,
      layout.blocks[1].rowCount * k,
    );
    labelBits = mine;
    labelRows = block.rowCount;
  } else {
    labelBits = unpackBits(await openBits(ctx, oneHot), n * k);
    labelRows = n;
  }
  const labels = new Int32Array(labelRows);
  for (let i = 0; i < labelRows; i++) {
    let found = -1;
    for (let j = 0; j < k; j++) {
      if (labelBits[i * k + j] === 1) {
        if (found >= 0) throw new PeerError("opened assignment is not one-hot (corrupted opening)");
        found = j;
      }
    }
    if (found < 0) throw new PeerError("opened assignment is not one-hot (corrupted opening)");
    labels[i] = found;
  }
  const revealed = revealedValues(options, layout);
  let sizes: number[] | undefined;
  let inertia: number | undefined;
  if (options.revealFinalSizes || inertiaOpening !== null) {
    // One owner-0 COT batch: B2A of the one-hot bits (sizes) and the inertia's wrap products.
    const sizeCount = options.revealFinalSizes ? k : 0;
    const sizeBits = sizeCount * n;
    const wraps = inertiaOpening?.productCount ?? 0;
    let values: BigUint64Array | null = null;
    if (ctx.role === 0) {
      values = new BigUint64Array(sizeBits + wraps);
      values.fill(1n, 0, sizeBits);
      if (wraps > 0) values.set(inertiaOpening!.ownerValues!, sizeBits);
    }
    const bits = concatBits([oneHot, inertiaOpening?.choiceBits ?? new Uint32Array(0)], [
      sizeBits,
      wraps,
    ]);
    const products = await bitTimesOwnerValues(ctx, bits, 0, values, 1, sizeBits + wraps);
    const toOpen: bigint[] = [];
    for (let j = 0; j < sizeCount; j++) {
      let s = 0n;
      for (let i = 0; i < n; i++) s += products[i * k + j];
      toOpen.push(BigInt.asUintN(64, s));
    }
    if (inertiaOpening !== null) toOpen.push(...inertiaOpening.shares(products.subarray(sizeBits)));
    // Opened by design (options): the final sizes and/or the final inertia.
    const opened = await open(ctx, BigUint64Array.from(toOpen));
    if (options.revealFinalSizes) sizes = Array.from(opened.subarray(0, k), (c) => Number(c));
    if (inertiaOpening !== null) inertia = inertiaOpening.decode(opened.subarray(sizeCount));
  }
  return {
    centroids: decoded,
    fixedCentroids: fixedCentroids.slice(),
    labels,
    nIter,
    converged,
    sizes,
    inertia,
    revealed,
  };
}
