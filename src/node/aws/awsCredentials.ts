// Where the AWS SDK would look for credentials, by name only. Values are never read into memory
// we keep: the files are scanned for section and key names.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { awsProfileKeys, type AwsCredentialSources } from '../../core/prerequisites';

export function awsCredentialSources(env: NodeJS.ProcessEnv = process.env): AwsCredentialSources {
  const set = (k: string): boolean => (env[k] ?? '') !== '';
  const profile = env['AWS_PROFILE'] || env['AWS_DEFAULT_PROFILE'] || 'default';
  const credentialsFile = env['AWS_SHARED_CREDENTIALS_FILE'] || join(homedir(), '.aws', 'credentials');
  const configFile = env['AWS_CONFIG_FILE'] || join(homedir(), '.aws', 'config');
  const keysIn = (file: string, isConfig: boolean): string[] | undefined =>
    existsSync(file) ? awsProfileKeys(readFileSync(file, 'utf8'), profile, isConfig) : undefined;
  const fromCredentials = keysIn(credentialsFile, false);
  const fromConfig = keysIn(configFile, true);
  return {
    envKeys: set('AWS_ACCESS_KEY_ID') && set('AWS_SECRET_ACCESS_KEY'),
    webIdentity: set('AWS_WEB_IDENTITY_TOKEN_FILE') && set('AWS_ROLE_ARN'),
    container: set('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI') || set('AWS_CONTAINER_CREDENTIALS_FULL_URI'),
    profile,
    profileKeys: fromCredentials || fromConfig ? [...(fromCredentials ?? []), ...(fromConfig ?? [])] : undefined,
  };
}
