// Apart from doctor.ts so that `obslab --help` does not load the doctor and its clients.
export const doctorUsage = 'usage: obslab doctor [--sandbox | --context NAME [--kubeconfig FILE]] [--prometheus URL] [--lab DIR] [--role NAME [--region REGION]] [--format json|text]';
