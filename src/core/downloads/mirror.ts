// Where a release file is fetched from: GitHub's release download URL, or the same layout under a
// mirror a school or a firewall provides (obslab.downloads.mirror, `--mirror`):
// <base>/<owner>/<repo>/releases/download/<tag>/<file>.
import { t } from '../text/l10n';

export const githubBase = 'https://github.com';

export type MirrorBase = { base: string } | { problem: string };

/** A mirror setting as a base URL without a trailing slash; empty means GitHub. */
export function mirrorBase(value: string | undefined, name: string): MirrorBase {
  const v = (value ?? '').trim();
  if (!v) return { base: githubBase };
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return { problem: t`${name} is not a URL: '${v}' (expected something like https://mirror.example.edu/github)` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    return { problem: t`${name} must be an http or https URL, not ${u.protocol.replace(/:$/, '')}` };
  if (u.search || u.hash) return { problem: t`${name} must be a base URL without ?query or #fragment: '${v}'` };
  if (u.username || u.password)
    return { problem: t`${name} must not carry a user name or password: put credentials in the proxy settings` };
  return { base: `${u.origin}${u.pathname}`.replace(/\/+$/, '') };
}

/** The URL of `file` in release `tag` of `owner/repo` under `base`. */
export function releaseFileUrl(base: string, owner: string, repo: string, tag: string, file: string): string {
  const seg = (s: string): string => encodeURIComponent(s);
  return `${base.replace(/\/+$/, '')}/${seg(owner)}/${seg(repo)}/releases/download/${seg(tag)}/${seg(file)}`;
}
