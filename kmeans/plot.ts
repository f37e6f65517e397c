/**
 * SVG plots of k-means results, drawn with Vega-Lite (Satyanarayan et al., "Vega-Lite: A
 * Grammar of Interactive Graphics", IEEE TVCG 2017) compiled to Vega and rendered headless
 * (`renderer: "none"`, `view.toSVG()`), so no browser is needed.
 *
 * Both libraries are imported lazily inside the functions: the protocol path never loads them.
 * A scatter plot shows the first two features (d > 2: the rest are ignored; d = 1: the
 * feature against the row index), points coloured by cluster, centroids as black crosses.
 * Above {@link MAX_PLOT_POINTS} rows an evenly strided subset is drawn, keeping the SVG small.
 *
 * Security: a plot shows the data it is given; callers decide what may be drawn (the secure
 * CLIs plot only what their party is allowed to see).
 *
 * @module
 */

import type { Matrix } from "./plain.ts";

/** Most data points drawn in one scatter plot. */
export const MAX_PLOT_POINTS = 20000;

/** Renders a Vega-Lite spec to an SVG string (loads vega and vega-lite on first use). */
export async function renderVegaLiteSvg(spec: Record<string, unknown>): Promise<string> {
  const [vegaLite, vega] = await Promise.all([import("vega-lite"), import("vega")]);
  // deno-lint-ignore no-explicit-any
  const compiled = vegaLite.compile(spec as any).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** What {@link scatterPlotSvg} draws. */
export interface ScatterPlotInput {
  /** The n × d data. */
  data: Matrix;
  /** Column names; the axes are named after the first two. */
  featureNames: readonly string[];
  /** Cluster of each row. */
  labels: Int32Array;
  /** k × d centroids, row-major, in data units. */
  centroids: Float64Array;
  /** Number of clusters. */
  k: number;
  /** Optional chart title. */
  title?: string;
}

/** A scatter plot of the clustering as SVG text. */
export async function scatterPlotSvg(input: ScatterPlotInput): Promise<string> {
  const { data, featureNames, labels, centroids, k } = input;
  const { rows, n, d } = data;
  const twoD = d >= 2;
  const xName = twoD ? featureNames[0] : "row";
  const yName = twoD ? featureNames[1] : featureNames[0];
  const stride = Math.max(1, Math.ceil(n / MAX_PLOT_POINTS));
  const points: { x: number; y: number; cluster: string }[] = [];
  for (let i = 0; i < n; i += stride) {
    points.push({
      x: twoD ? rows[i * d] : i,
      y: twoD ? rows[i * d + 1] : rows[i * d],
      cluster: String(labels[i]),
    });
  }
  const centres: { x: number; y: number; cluster: string }[] = [];
  for (let j = 0; j < k; j++) {
    centres.push({
      x: twoD ? centroids[j * d] : n / 2,
      y: twoD ? centroids[j * d + 1] : centroids[j * d],
      cluster: String(j),
    });
  }
  const clusterOrder = Array.from({ length: k }, (_, j) => String(j));
  const axis = (name: string) => ({ type: "quantitative", title: name, scale: { zero: false } });
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: input.title ?? `k-means, k = ${k}${stride > 1 ? ` (every ${stride}th row)` : ""}`,
    width: 480,
    height: 360,
    background: "white",
    layer: [
      {
        data: { values: points },
        mark: { type: "circle", size: 40, opacity: 0.75 },
        encoding: {
          x: { field: "x", ...axis(xName) },
          y: { field: "y", ...axis(yName) },
          color: {
            field: "cluster",
            type: "nominal",
            title: "cluster",
            scale: { domain: clusterOrder, scheme: "category10" },
          },
        },
      },
      {
        data: { values: centres },
        mark: { type: "point", shape: "cross", size: 260, filled: true, color: "black" },
        encoding: {
          x: { field: "x", ...axis(xName) },
          y: { field: "y", ...axis(yName) },
          tooltip: { field: "cluster", type: "nominal" },
        },
      },
    ],
  };
  return await renderVegaLiteSvg(spec);
}

/** An elbow plot (inertia against k, a line with points) as SVG text. */
export async function elbowPlotSvg(
  sweep: readonly { k: number; inertia: number }[],
  options: { title?: string } = {},
): Promise<string> {
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title ?? "Elbow plot: inertia against k",
    width: 480,
    height: 320,
    background: "white",
    data: { values: sweep.map(({ k, inertia }) => ({ k, inertia })) },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "k", type: "quantitative", title: "k (clusters)", axis: { tickMinStep: 1 } },
      y: { field: "inertia", type: "quantitative", title: "inertia" },
    },
  };
  return await renderVegaLiteSvg(spec);
}
