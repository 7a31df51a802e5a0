// Entry of the doctor bundle (dist/doctor.js): the doctor, its Kubernetes and Prometheus gathering,
// loaded on the first Run Doctor so activation does not pay for it.
export { runDoctorCommand, doctorViewType, restoreDoctorPanel } from './panel';
