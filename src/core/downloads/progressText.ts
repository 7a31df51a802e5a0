// A download's progress as one line, the same in the editor's notification and the CLI's stderr:
// what is fetched, from where (and through which proxy), how far along.
import { t } from '../text/l10n';

export interface ProgressFacts {
  phase: 'checksums' | 'download' | 'verify' | 'extract' | 'installed';
  archive: string;
  title: string;
  url: string;
  received: number;
  total?: number;
  resumedFrom?: number;
  via?: string;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** 0–100 for the download phase when the size is known; undefined otherwise. */
export function downloadPercent(p: Pick<ProgressFacts, 'received' | 'total'>): number | undefined {
  if (!p.total) return undefined;
  return Math.max(0, Math.min(100, Math.floor((p.received / p.total) * 100)));
}

export function downloadProgressText(p: ProgressFacts): string {
  const host = (() => {
    try {
      return new URL(p.url).host;
    } catch {
      return p.url;
    }
  })();
  const via = p.via ? ` ${t`through the proxy ${p.via}`}` : '';
  switch (p.phase) {
    case 'checksums':
      return t`fetching the published checksums of ${p.title} from ${host}${via}`;
    case 'download': {
      const pct = downloadPercent(p);
      const percent = pct !== undefined ? ` (${pct}%)` : '';
      const size = p.total ? t`${mb(p.received)} of ${mb(p.total)}${percent}` : mb(p.received);
      const resumed = p.resumedFrom ? t`, continuing after ${mb(p.resumedFrom)}` : '';
      return t`downloading ${p.archive} from ${host}${via}: ${size}${resumed}`;
    }
    case 'verify':
      return t`verifying ${p.archive} against its published sha256`;
    case 'extract':
      return t`unpacking ${p.archive}`;
    case 'installed':
      return t`${p.title} installed (${mb(p.received)} archive, sha256 verified)`;
  }
}
