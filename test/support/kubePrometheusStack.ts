// What the tests on the real charts share: the chart's CRDs put in place, a monitoring namespace
// with prometheus-sa as Task 1's eksctl leaves it, the scrape jobs prometheus-operator wrote, and
// polling until the cluster's controllers have caught up.
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { labNames } from '../../src/core/scaffold/plan';
import type { RunningKube } from '../harness/kube';
import { sleep } from '../harness/lib';
import { uniqueNamespace } from './kube';

/** The IRSA role eksctl puts on prometheus-sa in these tests (no AWS is asked). */
export const IRSA_ROLE_ARN = 'arn:aws:iam::111122223333:role/ds252-prometheus-sa-role';

/** The CRD folders helm installs from: the chart's crds/ and each subchart's (kube-prometheus-stack keeps them in charts/crds/crds). */
export function chartCrdDirs(chart: string): string[] {
  const subcharts = existsSync(join(chart, 'charts'))
    ? readdirSync(join(chart, 'charts')).map((d) => join(chart, 'charts', d, 'crds'))
    : [];
  return [join(chart, 'crds'), ...subcharts].filter((d) => existsSync(d));
}

/**
 * The chart's CRDs, applied as they are. Helm installs CRDs only when they are absent, and the
 * control plane starts with an older ServiceMonitor CRD (and another test may have made a
 * schemaless Prometheus CRD): server-side apply puts the chart's own in their place.
 */
export async function applyChartCrds(kube: RunningKube, chart: string): Promise<void> {
  const dirs = chartCrdDirs(chart);
  assert.ok(dirs.length, `${chart} has no crds/ folder`);
  for (const d of dirs)
    await kube.kubectl(['apply', '--server-side', '--force-conflicts', '-f', d], { timeoutMs: 300_000 });
  await kube.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=120s',
    'crd/prometheuses.monitoring.coreos.com',
    'crd/servicemonitors.monitoring.coreos.com',
    'crd/alertmanagers.monitoring.coreos.com',
  ]);
}

/** A new namespace with prometheus-sa as Task 1's eksctl leaves it: created outside Helm, annotated with the IRSA role. */
export async function labNamespace(kube: RunningKube, prefix: string): Promise<string> {
  const ns = uniqueNamespace(prefix);
  await kube.kubectl(['create', 'namespace', ns]);
  await kube.kubectl(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: labNames.prometheusServiceAccount,
        namespace: ns,
        annotations: { 'eks.amazonaws.com/role-arn': IRSA_ROLE_ARN },
      },
    }),
  });
  return ns;
}

/** The scrape jobs in the configuration the operator wrote for a Prometheus object (Secret prometheus-<name>, key prometheus.yaml.gz). */
export async function scrapeJobs(kube: RunningKube, ns: string, prometheus: string): Promise<string[]> {
  const r = await kube.get(`/api/v1/namespaces/${ns}/secrets/prometheus-${prometheus}`);
  if (r.status !== 200) return [];
  const gz = (JSON.parse(r.body) as { data?: Record<string, string> }).data?.['prometheus.yaml.gz'];
  if (!gz) return [];
  const config = parse(gunzipSync(Buffer.from(gz, 'base64')).toString('utf8')) as {
    scrape_configs?: { job_name: string }[];
  };
  return (config.scrape_configs ?? []).map((j) => j.job_name);
}

/** Reads until `check` holds, failing with what it last saw after `ms`. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  check: (v: T) => boolean,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!check(last)) {
    assert.ok(Date.now() < deadline, `${what}; last seen: ${JSON.stringify(last)?.slice(0, 1500)}`);
    await sleep(500);
    last = await read();
  }
  return last;
}
