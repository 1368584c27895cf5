/**
 * vega-lite specs for the report's charts: a metric against a numeric x, one line per series, with an optional
 * interval band; and the learning-curve variant (x = training rows, log scale by default). Input is a plain
 * array of records plus the names of the fields to read; the records are checked and copied into the spec
 * under fixed names, so a field name with a dot or a bracket cannot be misread as a nested path.
 */
import type { TopLevelSpec } from "vega-lite";
import { StageError } from "../core/errors.ts";

export type ChartRecord = Readonly<Record<string, unknown>>;

/** Which field of each record holds what. `lower` and `upper` (the interval band) go together or not at all. */
export interface SeriesFields {
  x: string;
  y: string;
  series: string;
  lower?: string;
  upper?: string;
}

export interface LineChartOptions {
  fields: SeriesFields;
  xTitle: string;
  yTitle: string;
  title?: string;
  /** Legend title; the series field's name when left out. */
  seriesTitle?: string;
  xScale?: "linear" | "log";
  /** Fixed y range, e.g. [0, 1] for accuracy; points outside it are clipped. */
  yDomain?: readonly [number, number];
  width?: number;
  height?: number;
}

export interface LearningCurveOptions extends Omit<LineChartOptions, "xScale" | "xTitle"> {
  xTitle?: string;
  /** Log scale for the rows axis (the default): curves over 10 to 2,000 rows are unreadable on a linear one. */
  logX?: boolean;
}

/** One record as it goes into the spec. */
interface Point {
  x: number;
  y: number;
  series: string;
  lower?: number;
  upper?: number;
}

const DEFAULT_WIDTH = 480;
const DEFAULT_HEIGHT = 300;

export function lineChartSpec(records: readonly ChartRecord[], options: LineChartOptions): TopLevelSpec {
  const name = `line chart "${options.title ?? `${options.yTitle} by ${options.xTitle}`}"`;
  const points = readPoints(records, options, name);
  const hasBand = options.fields.lower !== undefined;
  const yScale = options.yDomain ? { domain: [...checkDomain(options.yDomain, name)] } : { zero: false };
  const clip = options.yDomain !== undefined;
  const y = { field: "y", type: "quantitative", title: options.yTitle, scale: yScale } as const;
  const line = { mark: { type: "line", point: true, clip }, encoding: { y } } as const;
  const band = {
    mark: { type: "area", opacity: 0.2, clip },
    encoding: { y: { ...y, field: "lower" }, y2: { field: "upper" } },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(options.title === undefined ? {} : { title: options.title }),
    width: checkSize(options.width ?? DEFAULT_WIDTH, "width", name),
    height: checkSize(options.height ?? DEFAULT_HEIGHT, "height", name),
    data: { values: points.map((point) => ({ ...point })) },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: options.xTitle,
        // A log axis is not rounded out to the next power of ten: 10..2,000 rows would stretch to 10..10,000.
        scale: options.xScale === "log" ? { type: "log", nice: false } : { zero: false },
      },
      color: {
        field: "series",
        type: "nominal",
        title: options.seriesTitle ?? options.fields.series,
        legend: { symbolOpacity: 1 }, // else the legend takes the band's faint opacity
      },
    },
    layer: hasBand ? [band, line] : [line],
  };
}

/** Learning curves: a metric against the number of training rows, one line per series (e.g. per poison rate). */
export function learningCurveSpec(records: readonly ChartRecord[], options: LearningCurveOptions): TopLevelSpec {
  const { logX = true, xTitle = "training rows", ...rest } = options;
  return lineChartSpec(records, { ...rest, xTitle, xScale: logX ? "log" : "linear" });
}

function readPoints(records: readonly ChartRecord[], options: LineChartOptions, name: string): Point[] {
  const { fields } = options;
  if ((fields.lower === undefined) !== (fields.upper === undefined)) {
    throw new StageError(`${name}: an interval band needs both fields.lower and fields.upper, got only one`);
  }
  if (records.length === 0) throw new StageError(`${name}: no records to draw`);
  const seen = new Set<string>();
  return records.map((record, index) => {
    const where = `${name}: record ${index}`;
    const point: Point = {
      x: finiteNumber(record, fields.x, where),
      y: finiteNumber(record, fields.y, where),
      series: seriesName(record, fields.series, where),
    };
    if (options.xScale === "log" && point.x <= 0) {
      throw new StageError(`${where} has ${fields.x} = ${point.x}; a log x axis needs values above 0`);
    }
    const key = JSON.stringify([point.series, point.x]);
    if (seen.has(key)) {
      throw new StageError(
        `${where} repeats ${fields.series} = ${point.series} at ${fields.x} = ${point.x}; one record per point`,
      );
    }
    seen.add(key);
    if (fields.lower !== undefined && fields.upper !== undefined) {
      point.lower = finiteNumber(record, fields.lower, where);
      point.upper = finiteNumber(record, fields.upper, where);
      if (point.lower > point.upper) {
        throw new StageError(`${where} has ${fields.lower} = ${point.lower} above ${fields.upper} = ${point.upper}`);
      }
    }
    return point;
  });
}

function finiteNumber(record: ChartRecord, field: string, where: string): number {
  const value = record[field];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new StageError(`${where} has ${field} = ${describe(value)}; expected a finite number`);
  }
  return value;
}

function seriesName(record: ChartRecord, field: string, where: string): string {
  const value = record[field];
  if (typeof value === "string" && value !== "") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new StageError(`${where} has ${field} = ${describe(value)}; expected a series name (text or a number)`);
}

function checkDomain(domain: readonly [number, number], name: string): readonly [number, number] {
  const [low, high] = domain;
  if (!Number.isFinite(low) || !Number.isFinite(high) || low >= high) {
    throw new StageError(
      `${name}: yDomain = [${low}, ${high}]; expected two finite numbers, the first below the second`,
    );
  }
  return domain;
}

function checkSize(value: number, key: string, name: string): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new StageError(`${name}: ${key} = ${value}; expected a whole number of pixels above 0`);
  return value;
}

function describe(value: unknown): string {
  return value === undefined ? "(missing)" : (JSON.stringify(value) ?? String(value));
}
