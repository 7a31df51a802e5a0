// The IRSA commands' bundle (dist/iam.js, from src/ui/iam/index.ts): the AWS SDK clients.
import { lazyBundle } from './lazyBundle';

export type IamUi = typeof import('./iam/index');

export const iamBundle = lazyBundle<IamUi>('iam.js');
