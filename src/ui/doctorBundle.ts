// Run Doctor's code (dist/doctor.js): it reads the cluster with @kubernetes/client-node and the
// IRSA role with the AWS SDK, so it is loaded on the command's first use, not at activation.
import * as vscode from 'vscode';
import type { Ctx } from './context';
import { lazyBundle } from './lazyBundle';

export type DoctorUi = typeof import('./doctor/index');
export const doctorBundle = lazyBundle<DoctorUi>('doctor.js');

/** Brings a doctor report back after a window reload; the bundle is loaded only when there is one. */
export function registerDoctorPanelSerializer(ctx: Ctx): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer('obslab.doctor', {
    deserializeWebviewPanel: (panel, state) => doctorBundle.load(ctx).restoreDoctorPanel(ctx, panel, state),
  });
}
