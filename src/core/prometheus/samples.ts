// How a sample reads for a person, whether Prometheus answered a float (`value`) or a native
// histogram (`histogram`, which has no single value): "native histogram: count 42, sum 3.5".
import type { HistogramPair, MatrixSeries, NativeHistogram, SamplePair, VectorSample } from './types';
import { t } from '../text/l10n';

/** "native histogram: count 42, sum 34593.34"; `format` writes each number (as Prometheus wrote it by default). */
export function histogramText(h: NativeHistogram, format: (v: string) => string = (v) => v): string {
  return t`native histogram: count ${format(h.count)}, sum ${format(h.sum)}`;
}

/** An instant sample's value as text: the float, or the histogram's count and sum. */
export function sampleText(s: VectorSample, format: (v: string) => string = (v) => v): string {
  return s.histogram ? histogramText(s.histogram[1], format) : format(s.value[1]);
}

export type SeriesPoint = { t: number; float: string } | { t: number; histogram: NativeHistogram };

/** A range series' float and histogram points together, oldest first. */
export function seriesPoints(s: MatrixSeries): SeriesPoint[] {
  const floats = (s.values ?? []).map(([at, float]: SamplePair) => ({ t: at, float }));
  const histograms = (s.histograms ?? []).map(([at, histogram]: HistogramPair) => ({ t: at, histogram }));
  return [...floats, ...histograms].sort((a, b) => a.t - b.t);
}

/** A point as text, as sampleText writes it. */
export function pointText(p: SeriesPoint, format: (v: string) => string = (v) => v): string {
  return 'histogram' in p ? histogramText(p.histogram, format) : format(p.float);
}
