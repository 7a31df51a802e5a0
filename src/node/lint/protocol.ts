// The messages between the editor's LintProcess and the lint server (dist/lintServer.js), typed in
// one place both sides import. Types only: nothing here runs, so the client's bundle stays small.
import type { Finding } from '../../core/finding';
import type { LintScope } from './scope';

export interface OpenDocument {
  /** A file path, or an untitled document's URI. */
  file: string;
  text: string;
}

export interface LintParams {
  /** Requests with the same key supersede each other; the scope folder by default. */
  key?: string;
  /** The folder whose files are linted together; absent: only `documents` are linted (an untitled document). */
  scope?: LintScope;
  /** The file the editor asked about: linted even where the folder walk does not reach it, or alone in a crowded folder. */
  file?: string;
  /** Texts of open (unsaved) documents, which win over the files on disk. */
  documents: OpenDocument[];
  labRules: boolean;
  helmRelease: string;
  /** The release was told (a setting, the lab's obslab-lab.json), not the default. */
  helmReleaseGiven?: boolean;
  /** False when another YAML server validates with our schemas (Red Hat's): no second report. */
  withKindSchemas: boolean;
}

export interface LintRequest extends LintParams {
  type: 'lint';
  id: number;
  key: string;
}

export interface ServerStats {
  /** Resident set size now, bytes. */
  rss: number;
  /** The largest resident set size the server process has had, bytes. */
  maxRss: number;
  heapUsed: number;
}

export interface FileFindings {
  file: string;
  findings: Finding[];
}

export interface LintReply {
  type: 'lint';
  id: number;
  /** Every file linted (an empty list clears it), or undefined when a newer request superseded this one. */
  files?: FileFindings[];
  /** A reason the scope was not linted as a whole (too many files). */
  note?: string;
  /** Time the server spent, reading and linting, in milliseconds. */
  ms: number;
  stats: ServerStats;
}

export interface LintFailure {
  type: 'failed';
  id: number;
  message: string;
}

export type ClientMessage = LintRequest;
export type ServerMessage = LintReply | LintFailure;

/** The environment variable naming the translation bundle the server speaks (LintProcessOptions.l10nBundle). */
export const l10nBundleEnv = 'OBSLAB_L10N_BUNDLE';
