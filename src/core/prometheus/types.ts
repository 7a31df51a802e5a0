// The shapes of Prometheus' HTTP API v1 answers that we read (https://prometheus.io/docs/prometheus/latest/querying/api/).
// Sample values stay strings, as Prometheus sends them, so "+Inf" and "NaN" survive a round trip.

export type Labels = Record<string, string>;

/** [unix time in seconds, value as Prometheus formats it] */
export type SamplePair = [number, string];

/**
 * A native histogram as the API writes it (util/jsonutil MarshalHistogram, Prometheus 3.14.0,
 * checked 2026-12-05): count and sum as strings, and only the buckets that hold something.
 */
export interface NativeHistogram {
  count: string;
  sum: string;
  /**
   * [boundaries, lower, upper, count]; boundaries 0: (lower, upper], 1: [lower, upper),
   * 2: (lower, upper), 3: [lower, upper]. Absent when every bucket is empty.
   */
  buckets?: [number, string, string, string][];
}

/** [unix time in seconds, the histogram] */
export type HistogramPair = [number, NativeHistogram];

/** A float sample: what every classic series (counters, gauges, classic histograms' _bucket) answers. */
export interface FloatSample {
  metric: Labels;
  value: SamplePair;
  histogram?: undefined;
}

/** A native histogram sample: Prometheus writes `histogram` instead of `value` (web/api/v1/json_codec.go). */
export interface HistogramSample {
  metric: Labels;
  histogram: HistogramPair;
  value?: undefined;
}

export type VectorSample = FloatSample | HistogramSample;

/** A range series: float points, native histogram points, or both; Prometheus leaves out an empty list. */
export interface MatrixSeries {
  metric: Labels;
  values?: SamplePair[];
  histograms?: HistogramPair[];
}

/** The `data` object of /api/v1/query and /api/v1/query_range, exactly as Prometheus sends it. */
export type QueryData =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair };

export interface QueryResult {
  data: QueryData;
  /** Prometheus' warnings (e.g. a partial answer); empty when there were none. */
  warnings: string[];
}

export interface MetricMetadata {
  type: 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';
  help: string;
  unit: string;
}

export type TargetHealth = 'up' | 'down' | 'unknown';

export interface ActiveTarget {
  discoveredLabels: Labels;
  /** The target's labels after relabelling: job, instance and whatever the scrape config adds. */
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: TargetHealth;
}

export interface TargetsData {
  activeTargets: ActiveTarget[];
  droppedTargets: { discoveredLabels: Labels }[];
}

export interface BuildInfo {
  version: string;
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
  goVersion: string;
}
