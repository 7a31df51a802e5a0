// Entry of the IAM bundle (dist/iam.js): everything that needs the AWS SDK, loaded on the first
// IRSA command so activation does not pay for it.
export { createIrsaCommand } from './createIrsaCommand';
export { inspectIrsaCommand, irsaViewType } from './inspectPanel';
export { cleanupAwsCommand, planAwsCleanupUi } from './cleanupAws';
