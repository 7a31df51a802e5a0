// An AWS SDK failure, as data, turned into a sentence for the student: what we were doing, why it
// failed, what to do next. Never includes credentials: only the error's name, status and message
// (AWS messages name the caller's ARN, which is not a secret).
import { callerIdentity, configure, listClusters, ssoLogin } from '../kube/commands';
import { commandInText } from '../shellQuote';
import { t } from '../text/l10n';

export interface AwsFailure {
  /** The SDK error's name: AccessDenied, ExpiredToken, CredentialsProviderError, ... */
  name: string;
  message: string;
  httpStatus?: number;
  /** A system error code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT) when the request never got an answer. */
  errno?: string;
}

export interface AwsAction {
  /** "read the role ds252-prometheus-sa-role", "describe the EKS cluster ds252-cluster". */
  what: string;
  region?: string;
  /** A custom endpoint (AWS_ENDPOINT_URL), when one is set. */
  endpoint?: string;
}

const credentialErrors = ['CredentialsProviderError', 'CredentialsError'];
const expiredErrors = ['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired'];
const badKeyErrors = [
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'AuthFailure',
];
const deniedErrors = ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException'];

/** Where the call went, as a note after a word (" in eu-west-1 (endpoint http://…)"), or ''. */
function whereNote(a: AwsAction): string {
  if (a.region && a.endpoint) return t` in ${a.region} (endpoint ${a.endpoint})`;
  if (a.region) return t` in ${a.region}`;
  if (a.endpoint) return t` (endpoint ${a.endpoint})`;
  return '';
}

export function describeAwsFailure(f: AwsFailure, a: AwsAction): string {
  const where = whereNote(a);
  if (credentialErrors.includes(f.name) || /Could not load credentials/i.test(f.message)) {
    return t`Could not ${a.what}: no AWS credentials were found (environment, shared \
config/credentials files, SSO, web identity or the instance role). Run ${commandInText(configure)} \
or ${commandInText(ssoLogin)}, or set AWS_PROFILE, then try again.`;
  }
  if (expiredErrors.includes(f.name) || /expired/i.test(f.message))
    return t`Could not ${a.what}: the AWS credentials have expired. Refresh them (${commandInText(ssoLogin)}, or new \
temporary credentials) and try again.`;
  if (badKeyErrors.includes(f.name))
    return t`Could not ${a.what}: AWS does not accept these credentials (${f.name}). Check the profile in use \
(${commandInText(callerIdentity)}) and try again.`;
  if (/Region is missing/i.test(f.message))
    return t`Could not ${a.what}: no AWS region is set. Set obslab.awsRegion (or AWS_REGION, or a region in your AWS profile).`;
  if (deniedErrors.includes(f.name) || f.httpStatus === 403)
    return t`Could not ${a.what}: access denied${where}. ${f.message} Ask for the permission, or use a profile that has it.`;
  if (f.name === 'ResourceNotFoundException' && /cluster/i.test(f.message))
    return t`Could not ${a.what}: ${f.message.replace(/\.$/, '')}${where}. Check the cluster name and \
the region (obslab.clusterName, obslab.awsRegion; ${commandInText(listClusters(a.region))}).`;
  if (f.name === 'NoSuchEntity' || f.name === 'NoSuchEntityException')
    return t`Could not ${a.what}: ${f.message.replace(/\.$/, '')}. Check the name, or create it first \
(Create IAM Policy and IRSA Role).`;
  if (f.name === 'MalformedPolicyDocument' || f.name === 'MalformedPolicyDocumentException')
    return t`Could not ${a.what}: IAM rejects the policy document: ${f.message}`;
  if (f.name === 'LimitExceeded' || f.name === 'LimitExceededException')
    return t`Could not ${a.what}: an IAM limit was reached: ${f.message}`;
  if (
    f.errno === 'ECONNREFUSED' ||
    f.errno === 'ENOTFOUND' ||
    f.errno === 'ETIMEDOUT' ||
    f.errno === 'ECONNRESET' ||
    f.name === 'TimeoutError'
  ) {
    return a.endpoint
      ? t`Could not ${a.what}: the AWS endpoint${where} did not answer (${f.errno ?? f.name}). \
Check the network and that the server at ${a.endpoint} runs (AWS_ENDPOINT_URL), then try again.`
      : t`Could not ${a.what}: the AWS endpoint${where} did not answer (${f.errno ?? f.name}). \
Check the network, then try again.`;
  }
  return t`Could not ${a.what}${where}: ${f.name}: ${f.message}`;
}
