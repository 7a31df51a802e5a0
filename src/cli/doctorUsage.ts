// Apart from doctor.ts so that `obslab --help` and `obslab doctor --help` do not load the doctor and its clients.
import * as l10n from '@vscode/l10n';
import { defineCommand, usageLine } from './commandSpec';
import { formatOption, kubeconfigOption } from './commonOptions';

export const doctorSpec = defineCommand({
  command: 'doctor',
  get summary() {
    return l10n.t(
      'Walks the chain from the app to Prometheus (or the sandbox) and says which link broke first, and why.',
    );
  },
  options: {
    sandbox: {
      type: 'boolean',
      get help() {
        return l10n.t('look at the local sandbox instead of a cluster');
      },
    },
    context: {
      type: 'string',
      value: 'NAME',
      get help() {
        return l10n.t('kubeconfig context to look at (default the current one)');
      },
    },
    kubeconfig: kubeconfigOption,
    prometheus: {
      type: 'string',
      value: 'URL',
      get help() {
        return l10n.t("Prometheus' URL, e.g. http://127.0.0.1:9090");
      },
    },
    lab: {
      type: 'string',
      value: 'DIR',
      get help() {
        return l10n.t('the lab folder obslab scaffold created (the one with obslab-lab.json)');
      },
    },
    role: {
      type: 'string',
      value: 'NAME',
      get help() {
        return l10n.t('the IRSA role to check too');
      },
    },
    region: {
      type: 'string',
      value: 'REGION',
      get help() {
        return l10n.t("the role's AWS region (with --role)");
      },
    },
    format: formatOption,
  },
  get notes() {
    return [l10n.t('--sandbox and --context/--kubeconfig exclude each other: the doctor looks at one place.')];
  },
});

export const doctorUsage = usageLine(doctorSpec);
