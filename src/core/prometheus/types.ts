// The shapes of Prometheus' HTTP API v1 answers that we read (https://prometheus.io/docs/prometheus/latest/querying/api/).
// Sample values stay strings, as Prometheus sends them, so "+Inf" and "NaN" survive a round trip.

export type Labels = Record<string, string>;

/** [unix time in seconds, value as Prometheus formats it] */
export type SamplePair = [number, string];

export interface VectorSample {
  metric: Labels;
  value: SamplePair;
}

export interface MatrixSeries {
  metric: Labels;
  values: SamplePair[];
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
