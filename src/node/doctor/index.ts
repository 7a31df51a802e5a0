// One entry for every face: gather a snapshot from the sandbox or a cluster (plus Prometheus and
// the IAM role when given) and run the chain. Sources that fail are skipped links, never throws.
import { runDoctor } from '../../core/doctor/chain';
import type { DoctorReport } from '../../core/doctor/report';
import type { DoctorSnapshot } from '../../core/doctor/snapshot';
import { readSandboxState } from '../sandbox/sandbox';
import { sandboxSnapshot } from './sandbox';

export { DoctorInputError } from './errors';

export interface DoctorOptions {
  /** sandbox: the local sandbox; cluster: a kube context; auto: the sandbox when one is recorded, else the current context. */
  source: 'sandbox' | 'cluster' | 'auto';
  context?: string;
  kubeconfig?: string;
  prometheusUrl?: string;
  labDir?: string;
  /** The IRSA role to check the trust of (AWS SDK with the standard credentials). */
  roleName?: string;
  region?: string;
}

export async function takeSnapshot(o: DoctorOptions): Promise<DoctorSnapshot> {
  const source = o.source === 'auto' ? (readSandboxState() && !o.context ? 'sandbox' : 'cluster') : o.source;
  if (source === 'sandbox') {
    return sandboxSnapshot({
      ...(o.labDir ? { labDir: o.labDir } : {}),
      ...(o.prometheusUrl ? { prometheusUrl: o.prometheusUrl } : {}),
    });
  }
  // Evaluated only for a cluster: the Kubernetes client and the AWS SDK are heavy (import() stays in the bundle).
  const { clusterSnapshot } = await import('./cluster');
  return clusterSnapshot(o);
}

export async function doctor(
  o: DoctorOptions,
): Promise<{ snapshot: DoctorSnapshot; report: DoctorReport; ms: number }> {
  const t0 = Date.now();
  const snapshot = await takeSnapshot(o);
  return { snapshot, report: runDoctor(snapshot), ms: Date.now() - t0 };
}
