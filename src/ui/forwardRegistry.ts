// Which local URLs the running port-forwards provide, for the parts of the extension that only
// need an address (the query panel, the load test, the doctor). Kept free of @kubernetes/client-node:
// the forwards themselves live in the kube bundle (dist/kube.js), which fills this in. The one
// instance is Ctx.forwards, made in the activation bundle and handed to every bundle with the Ctx.
import * as vscode from 'vscode';
import type { ForwardPurpose } from '../core/kube/forwardPresets';

export interface ProvidedForward {
  id: string;
  purpose?: ForwardPurpose;
  /** http://127.0.0.1:PORT */
  url: string;
  /** "waiting": the pod went away and no Ready pod has replaced it yet. */
  state: 'active' | 'waiting' | 'stopped';
  /** The port asked for (a number or a name) and the pod's port it reaches: the pipeline view looks for a collector's 8888. */
  remotePort?: number | string;
  podPort?: number;
  /** What it forwards to, in words ("monitoring/svc/otel-collector:8888"), for the views that name it. */
  target?: string;
}

export class ForwardRegistry {
  private forwards: ProvidedForward[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  set(forwards: readonly ProvidedForward[]): void {
    this.forwards = [...forwards];
    this.changed.fire();
  }

  all(): readonly ProvidedForward[] {
    return this.forwards;
  }

  /** The URL of a running forward for this purpose (the lab's Prometheus, Grafana or app), if any. */
  urlFor(purpose: ForwardPurpose): string | undefined {
    return this.forwards.find((f) => f.purpose === purpose && f.state !== 'stopped')?.url;
  }
}
