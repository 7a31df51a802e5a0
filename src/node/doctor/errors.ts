// Apart from index.ts so that the lazily loaded cluster gatherer and the faces share it without a cycle.

/** The place the doctor was asked to look at cannot be reached at all (no such context, no kubeconfig): bad input, not a broken lab. */
export class DoctorInputError extends Error {}
