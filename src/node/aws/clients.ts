// The AWS SDK v3 clients the IRSA steps use, built from the SDK's standard provider chain
// (environment, shared files, SSO, web identity, instance role) and its standard endpoint
// configuration (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_IAM, ...), which is how tests point them at
// moto. No logger is given to the clients: nothing they see is written anywhere.
import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { describeAwsFailure, type AwsFailure } from '../../core/iam/awsErrors';

export interface AwsClients {
  iam: IAMClient;
  sts: STSClient;
  eks: EKSClient;
  /** The region EKS is asked in. */
  region: string;
  /** AWS_ENDPOINT_URL when set, for messages (a custom endpoint is not a secret). */
  endpoint?: string;
}

/** An error whose message is written for the student. */
export class AwsError extends Error {
  constructor(
    message: string,
    readonly failure: AwsFailure,
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

export function awsClients(opts: { region?: string } = {}, env: NodeJS.ProcessEnv = process.env): AwsClients {
  const region = opts.region || env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || 'us-east-1';
  const common = { region, maxAttempts: 2 };
  const endpoint = env['AWS_ENDPOINT_URL'];
  return {
    // IAM is global; its requests are signed for us-east-1 whatever the cluster's region.
    iam: new IAMClient({ ...common, region: endpoint ? region : 'us-east-1' }),
    sts: new STSClient(common),
    eks: new EKSClient(common),
    region,
    ...(endpoint ? { endpoint } : {}),
  };
}

export function toAwsFailure(e: unknown): AwsFailure {
  const err = e as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: unknown };
    cause?: { code?: unknown };
  };
  const errno =
    typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)
      ? err.code
      : typeof err.cause?.code === 'string'
        ? err.cause.code
        : undefined;
  const status = err.$metadata?.httpStatusCode;
  return {
    name: typeof err.name === 'string' ? err.name : 'Error',
    message: typeof err.message === 'string' ? err.message : String(e),
    ...(typeof status === 'number' ? { httpStatus: status } : {}),
    ...(errno ? { errno } : {}),
  };
}

/** Runs one AWS call; a failure becomes an AwsError saying what was being done and what to do next. */
export async function awsCall<T>(
  c: Pick<AwsClients, 'region' | 'endpoint'>,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof AwsError) throw e;
    const failure = toAwsFailure(e);
    throw new AwsError(
      describeAwsFailure(failure, { what, region: c.region, ...(c.endpoint ? { endpoint: c.endpoint } : {}) }),
      failure,
    );
  }
}

/** True when the call failed because the thing does not exist (IAM NoSuchEntity, EKS ResourceNotFound). */
export function isNotFound(e: unknown): boolean {
  const name = e instanceof AwsError ? e.failure.name : toAwsFailure(e).name;
  return name === 'NoSuchEntity' || name === 'NoSuchEntityException' || name === 'ResourceNotFoundException';
}
