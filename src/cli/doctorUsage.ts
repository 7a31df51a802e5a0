// Apart from doctor.ts so that `obslab --help` and `obslab doctor --help` do not load the doctor and its clients.
import { defineCommand, usageLine } from './commandSpec';

export const doctorSpec = defineCommand({
  command: 'doctor',
  summary: 'Walks the chain from the app to Prometheus (or the sandbox) and says which link broke first, and why.',
  options: {
    sandbox: { type: 'boolean', help: 'look at the local sandbox instead of a cluster' },
    context: { type: 'string', value: 'NAME', help: 'kubeconfig context to look at (default the current one)' },
    kubeconfig: { type: 'string', value: 'FILE', help: 'kubeconfig file (default $KUBECONFIG, else ~/.kube/config)' },
    prometheus: { type: 'string', value: 'URL', help: "Prometheus' URL, e.g. http://127.0.0.1:9090" },
    lab: {
      type: 'string',
      value: 'DIR',
      help: 'the lab folder obslab scaffold created (the one with obslab-lab.json)',
    },
    role: { type: 'string', value: 'NAME', help: 'the IRSA role to check too' },
    region: { type: 'string', value: 'REGION', help: "the role's AWS region (with --role)" },
    format: { type: 'string', value: 'json|text', help: 'output format (default text)' },
  },
  notes: ['--sandbox and --context/--kubeconfig exclude each other: the doctor looks at one place.'],
});

export const doctorUsage = usageLine(doctorSpec);
