// Run Doctor's code (dist/doctor.js): it reads the cluster with @kubernetes/client-node and the
// IRSA role with the AWS SDK, so it is loaded on the command's first use, not at activation.
import { lazyBundle } from './lazyBundle';

export type DoctorUi = typeof import('./doctor/index');
export const doctorBundle = lazyBundle<DoctorUi>('doctor.js');
