/**
 * The Mall Customers demo that `deno task launch`, `deno task plain` and the secure-sum launch
 * run without data options: the CSV shipped in data/, its columns, the split of its rows
 * between the two parties, and the clustering parameters of the demo.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The demo CSV as printed to users (relative to the repository root). */
export const MALL_CSV_NAME = "data/Mall_Customers.csv";

/** The demo CSV's path on this machine, resolved from this file so any directory works. */
export const MALL_CSV: string = fileURLToPath(new URL(`../${MALL_CSV_NAME}`, import.meta.url));

/** Data rows of the demo CSV (after its header). */
export const MALL_ROW_COUNT = 200;

/** Horizontal demo split: party A holds data rows 1..this, party B the rest. */
export const MALL_ROWS_FOR_A = 100;

/** The identifier column of the demo CSV (the vertical demo joins on it). */
export const MALL_ID_COLUMN = "CustomerID";

/** First demo feature (party A's in the vertical demo). */
export const MALL_INCOME = "Annual Income (k$)";

/** Second demo feature (party B's in the vertical demo). */
export const MALL_SCORE = "Spending Score (1-100)";

/** The demo's clustering features, in order. */
export const MALL_FEATURES: readonly string[] = [MALL_INCOME, MALL_SCORE];

/** The columns the secure-sum demo adds up. */
export const MALL_SUM_COLUMNS: string = ["Age", MALL_INCOME, MALL_SCORE].join(",");

/** Clusters of the demo. */
export const MALL_K = 5;

/** Initial rows of the demo (one per cluster, spread over the file). */
export const MALL_INIT = "rows:0,40,80,120,160";

/** Centroid updates the demo runs at most. */
export const MALL_MAX_ITER = 10;
