// The doctor's output: links of the chain, each passed, failed (a cause), a consequence of an
// earlier failure, or skipped; findings with evidence and fixes a person or the editor can apply.
import type { Finding, TextEdit } from '../finding';

/**
 * A command as programs with their arguments, never shell text: what the editor runs goes to the
 * program as these exact words, and what a person copies is quoted for their shell (text.ts).
 */
export interface CommandFix {
  kind: 'command';
  title: string;
  /** Run one after another while each succeeds; the first word of each is the program. */
  steps: string[][];
  /** Started before the steps and stopped after them (a port-forward the steps use). */
  alongside?: string[];
  /** Needs a terminal of its own (it opens an editor): then it has a single step. */
  interactive?: boolean;
}

/** What to do about a finding: run a command, apply an edit, or open a document. */
export type DoctorFix =
  | CommandFix
  | { kind: 'edit'; title: string; file: string; edits: TextEdit[] }
  | { kind: 'open'; title: string; target: string };

/** One piece of evidence: the object looked at, what it has, what it should have. */
export interface Evidence {
  object: string;
  seen: string;
  expected: string;
}

export interface DoctorFinding extends Finding {
  evidence: Evidence[];
  remedies: DoctorFix[];
  /** Set on findings of a consequence link: the code of the cause. */
  consequenceOf?: string;
}

/** The chain's links in data-flow order, then the IRSA side. */
export const linkIds = [
  'app-ready',
  'otlp-endpoint',
  'collector-config',
  'collector-up',
  'servicemonitor-selected',
  'port-names',
  'targets',
  'app-metrics',
  'freshness',
  'metric-names',
  'prometheus-service-account',
  'irsa-annotation',
  'irsa-trust',
] as const;

export type LinkId = (typeof linkIds)[number];

export type LinkStatus = 'passed' | 'failed' | 'consequence' | 'skipped';

export interface LinkResult {
  id: LinkId;
  title: string;
  status: LinkStatus;
  /** What was seen when it passed, or why it was skipped, or a one-line summary of the failure. */
  detail: string;
  findings: DoctorFinding[];
  /** For a consequence: the link whose failure explains this one. */
  causedBy?: LinkId;
}

export interface DoctorReport {
  mode: 'sandbox' | 'cluster';
  takenAt: number;
  /** No link broken and at least one passed: a report whose every link was skipped checked nothing and is not healthy. */
  healthy: boolean;
  /** The first broken link and its first code, when one is broken. */
  cause?: { link: LinkId; code: string; message: string };
  /** Every independent cause (the data path and the IRSA side may each have one). */
  causes: { link: LinkId; code: string }[];
  links: LinkResult[];
}
