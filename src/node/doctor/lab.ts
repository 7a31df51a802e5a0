// The lab's names and queries for the doctor: from a lab folder (its obslab-lab.json and
// queries/lab-queries.promql), or the defaults and the template.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DoctorSnapshot, QuerySet } from '../../core/doctor/snapshot';
import { renderLabQueries, parseLabQueries } from '../../core/promql/labQueries';
import { collectorScrape } from '../../core/sandbox/config';
import { defaultParams, type LabParams } from '../../core/scaffold/params';
import { labManifestName, labNames } from '../../core/scaffold/plan';
import { templatesDir } from '../files/labFiles';
import { readLabManifest } from '../files/labManifest';
import { DoctorInputError } from './errors';
import { t } from '../../core/text/l10n';

/** The lab folder's names; a manifest the scaffold would refuse is bad input (its values go into the fixes). */
export function labParams(dir: string | undefined): LabParams {
  if (!dir) return defaultParams;
  const f = join(dir, labManifestName);
  if (!existsSync(f)) return defaultParams;
  try {
    return readLabManifest(f).params;
  } catch (e) {
    throw new DoctorInputError(e instanceof Error ? e.message : String(e));
  }
}

export function labOf(dir: string | undefined, params: LabParams, context?: string): DoctorSnapshot['lab'] {
  return {
    ...(dir ? { dir: resolve(dir) } : {}),
    appNamespace: params.appNamespace,
    monitoringNamespace: params.monitoringNamespace,
    helmRelease: params.helmRelease,
    prometheusServiceAccount: labNames.prometheusServiceAccount,
    collectorService: collectorScrape.service,
    portNames: { telemetry: 'telemetry', metrics: 'metrics' },
    ...(context ? { context } : {}),
  };
}

/** The lab folder's queries, or the template's with the lab's names. */
export function labQueries(dir: string | undefined, params: LabParams): QuerySet | string {
  try {
    const file = dir ? join(resolve(dir), 'queries', 'lab-queries.promql') : undefined;
    if (file && existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      return { source: file, file, text, queries: parseLabQueries(text) };
    }
    const template = join(templatesDir(), 'lab', 'queries', 'lab-queries.promql');
    return {
      source: t`the template ${'lab-queries.promql'}`,
      queries: renderLabQueries(readFileSync(template, 'utf8'), params),
    };
  } catch (e) {
    return t`the lab's queries could not be read: ${e instanceof Error ? e.message : String(e)}`;
  }
}
