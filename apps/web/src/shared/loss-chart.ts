// A live line chart (uPlot) of one or more series over epochs or steps: the Playground's train/test
// loss and the Digits accuracy. Appends points and redraws; keeps at most `limit` points.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Options of {@link LiveChart}. */
export interface LiveChartOptions {
  /** Where the chart goes. */
  parent: HTMLElement;
  /** Label of the x axis ('epoch', 'step'). */
  xLabel: string;
  series: Array<{ label: string; color: string }>;
  width?: number;
  height?: number;
  /** A fixed y range, e.g. [0, 1] for accuracy (default: fit the data). */
  yRange?: [number, number];
  /** Points kept (older ones are dropped). Default 2,000. */
  limit?: number;
}

/**
 * A uPlot chart that grows point by point.
 *
 * @example
 * ```ts
 * const chart = new LiveChart({ parent, xLabel: 'epoch', series: [{ label: 'train loss', color: '#e8590c' }] });
 * chart.add(1, [0.62]);
 * ```
 */
export class LiveChart {
  readonly #plot: uPlot;
  readonly #columns: number[][];
  readonly #limit: number;

  constructor(options: LiveChartOptions) {
    const { parent, xLabel, series, width = 420, height = 240, yRange, limit = 2000 } = options;
    this.#limit = limit;
    this.#columns = [[], ...series.map(() => [])];
    this.#plot = new uPlot(
      {
        width,
        height,
        scales: { x: { time: false }, ...(yRange === undefined ? {} : { y: { range: yRange } }) },
        axes: [{ label: xLabel }, {}],
        series: [{ label: xLabel }, ...series.map(({ label, color }) => ({ label, stroke: color, width: 2 }))],
      },
      this.#columns as uPlot.AlignedData,
      parent,
    );
  }

  /** Appends one x and one y per series, then redraws. */
  add(x: number, ys: number[]): void {
    this.#columns[0]!.push(x);
    ys.forEach((y, i) => this.#columns[i + 1]!.push(y));
    if (this.#columns[0]!.length > this.#limit) for (const column of this.#columns) column.shift();
    this.#plot.setData(this.#columns as uPlot.AlignedData);
  }

  /** Removes every point. */
  clear(): void {
    for (const column of this.#columns) column.length = 0;
    this.#plot.setData(this.#columns as uPlot.AlignedData);
  }
}
