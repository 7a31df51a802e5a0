// What the lab's role must be allowed to do, what each permission is for, how its absence shows
// up, and the "what if" of Task 4: the same policies without one action.
// The actions are those of the lab's prometheus-iam-policy.json (a unit test keeps them equal);
// Amazon Managed Service for Prometheus: writing needs aps:RemoteWrite, querying aps:QueryMetrics,
// aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata (AMP user guide, IAM permissions).
import {
  describeStatementRef,
  evaluate,
  type Decision,
  type EvalResult,
  type NamedPolicy,
  type StatementRef,
} from './evaluate';
import { t } from '../text/l10n';
import type { PolicyDocument } from './policy';

export interface LabAction {
  action: string;
  /** What the lab uses it for. */
  capability: string;
  /** How a student notices when it is missing. */
  symptom: string;
  /** Missing it breaks the lab's main data path (error) or a side path (warning). */
  essential: boolean;
}

// Getters: the sentences are made when read, in the language installed by then, not at import.
const queryFails = (): string =>
  t`Grafana or awscurl queries against the AMP workspace fail with HTTP 403 (AccessDeniedException); writing still works.`;

export const labActions: LabAction[] = [
  {
    action: 'aps:RemoteWrite',
    get capability() {
      return t`Prometheus sends its samples to Amazon Managed Service for Prometheus (remote_write)`;
    },
    get symptom() {
      return t`Every remote-write request is refused with HTTP 403 (AccessDeniedException: ... is not \
authorized to perform: aps:RemoteWrite). Prometheus logs "server returned HTTP status 403 \
Forbidden" as a non-recoverable error and drops those samples: \
prometheus_remote_storage_samples_failed_total rises while \
prometheus_remote_storage_samples_total (sent) stays flat. Local Prometheus queries still \
work; the AMP workspace gets no new data.`;
    },
    essential: true,
  },
  {
    action: 'aps:QueryMetrics',
    get capability() {
      return t`PromQL queries against the AMP workspace (Grafana's AMP data source)`;
    },
    get symptom() {
      return queryFails();
    },
    essential: false,
  },
  {
    action: 'aps:GetSeries',
    get capability() {
      return t`series lookups in the AMP workspace (Grafana's metric browser)`;
    },
    get symptom() {
      return queryFails();
    },
    essential: false,
  },
  {
    action: 'aps:GetLabels',
    get capability() {
      return t`label name and value lookups in the AMP workspace`;
    },
    get symptom() {
      return queryFails();
    },
    essential: false,
  },
  {
    action: 'aps:GetMetricMetadata',
    get capability() {
      return t`metric metadata (type, help) from the AMP workspace`;
    },
    get symptom() {
      return queryFails();
    },
    essential: false,
  },
  {
    action: 'cloudwatch:PutMetricData',
    get capability() {
      return t`publishing metrics to CloudWatch`;
    },
    get symptom() {
      return t`Agents that publish to CloudWatch with this role log AccessDenied for PutMetricData; the CloudWatch metrics stay empty.`;
    },
    essential: false,
  },
  {
    action: 'logs:CreateLogGroup',
    get capability() {
      return t`creating the CloudWatch Logs group on first use`;
    },
    get symptom() {
      return t`Log shipping fails on first start with AccessDeniedException for CreateLogGroup, unless the group already exists.`;
    },
    essential: false,
  },
  {
    action: 'logs:CreateLogStream',
    get capability() {
      return t`creating a log stream per pod`;
    },
    get symptom() {
      return t`Log shipping fails with AccessDeniedException for CreateLogStream.`;
    },
    essential: false,
  },
  {
    action: 'logs:PutLogEvents',
    get capability() {
      return t`writing log events to CloudWatch Logs`;
    },
    get symptom() {
      return t`Log shipping fails with AccessDeniedException for PutLogEvents; no logs arrive.`;
    },
    essential: false,
  },
];

export type VerdictSource = 'simulation' | 'local';

export interface ActionVerdict {
  action: string;
  capability: string;
  decision: Decision;
  /** "simulation": iam:SimulatePrincipalPolicy answered; "local": our evaluation of the attached documents. */
  source: VerdictSource;
  /** Plain words: which statement allowed or denied it. */
  because: string;
}

export function describeDecision(r: Pick<EvalResult, 'decision' | 'decidedBy' | 'undetermined'>): string {
  switch (r.decision) {
    case 'allowed':
      return t`allowed by ${r.decidedBy.map(describeStatementRef).join(', ')}`;
    case 'explicitDeny':
      return t`denied explicitly by ${r.decidedBy.map(describeStatementRef).join(', ')} (a Deny always wins)`;
    case 'implicitDeny':
      return t`denied: no statement allows it (IAM denies by default)`;
    case 'undetermined':
      return t`cannot be decided from the documents alone: ${r.undetermined.map((u) => `${describeStatementRef(u.statement)}: ${u.reason}`).join('; ')}`;
  }
}

export function evaluateLabActions(policies: NamedPolicy[], actions: LabAction[] = labActions): ActionVerdict[] {
  return actions.map((a) => {
    const r = evaluate(policies, { action: a.action, resource: '*' });
    return {
      action: a.action,
      capability: a.capability,
      decision: r.decision,
      source: 'local',
      because: describeDecision(r),
    };
  });
}

export interface WhatIf {
  removed: string;
  /** What was changed in the copies, in words. */
  edits: string[];
  /** The copies, as JSON-ready documents. */
  policies: { name: string; document: object }[];
  before: ActionVerdict[];
  after: ActionVerdict[];
  /** Capabilities that worked before and do not after, with how it shows. */
  breaks: { action: string; capability: string; symptom: string }[];
}

function toJson(doc: PolicyDocument): object {
  return {
    ...(doc.version ? { Version: doc.version } : {}),
    Statement: doc.statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect,
      ...(s.action ? { Action: s.action } : {}),
      ...(s.notAction ? { NotAction: s.notAction } : {}),
      ...(s.resource ? { Resource: s.resource } : {}),
      ...(s.notResource ? { NotResource: s.notResource } : {}),
      ...(s.conditions.length
        ? {
            Condition: s.conditions.reduce<Record<string, Record<string, string[]>>>(
              (acc, c) => ({ ...acc, [c.operator]: { ...acc[c.operator], [c.key]: c.values } }),
              {},
            ),
          }
        : {}),
    })),
  };
}

/**
 * Copies of the policies without `action`: the action is taken out of every Allow statement that
 * names it; a statement left with no action is dropped. If a wildcard or NotAction still allows it,
 * an explicit Deny for it is added to the first copy, the way one would in IAM without rewriting
 * the wildcard.
 */
export function withoutAction(policies: NamedPolicy[], action: string): { policies: NamedPolicy[]; edits: string[] } {
  const edits: string[] = [];
  const copies: NamedPolicy[] = policies.map((p) => {
    const statements = p.document.statements.flatMap((st, i) => {
      if (st.effect !== 'Allow' || !st.action) return [st];
      const kept = st.action.filter((a) => a.toLowerCase() !== action.toLowerCase());
      if (kept.length === st.action.length) return [st];
      const where = st.sid ? t`${p.name} statement '${st.sid}'` : t`${p.name} statement ${i + 1}`;
      if (!kept.length) {
        edits.push(t`removed ${where}, whose only action was ${action}`);
        return [];
      }
      edits.push(t`removed ${action} from ${where}`);
      return [{ ...st, action: kept }];
    });
    return { name: p.name, document: { ...p.document, statements } };
  });
  const still = evaluate(copies, { action, resource: '*' });
  if (still.decision === 'allowed' && copies[0]) {
    const first = copies[0];
    edits.push(
      t`${action} is still allowed by ${still.decidedBy.map(describeStatementRef).join(', ')} (a \
wildcard or NotAction), so a Deny statement for it was added to ${first.name}`,
    );
    copies[0] = {
      name: first.name,
      document: {
        ...first.document,
        statements: [
          ...first.document.statements,
          { sid: 'WhatIfDeny', effect: 'Deny', action: [action], resource: ['*'], conditions: [] },
        ],
      },
    };
  }
  if (!edits.length) edits.push(t`no policy allows ${action} in the first place`);
  return { policies: copies, edits };
}

export function whatIfWithout(
  policies: NamedPolicy[],
  action = 'aps:RemoteWrite',
  actions: LabAction[] = labActions,
): WhatIf {
  const before = evaluateLabActions(policies, actions);
  const copy = withoutAction(policies, action);
  const after = evaluateLabActions(copy.policies, actions);
  const breaks = after
    .filter((a, i) => before[i]?.decision === 'allowed' && a.decision !== 'allowed')
    .map((a) => {
      const info = actions.find((x) => x.action === a.action);
      return { action: a.action, capability: a.capability, symptom: info?.symptom ?? '' };
    });
  return {
    removed: action,
    edits: copy.edits,
    policies: copy.policies.map((p) => ({ name: p.name, document: toJson(p.document) })),
    before,
    after,
    breaks,
  };
}

export type { StatementRef };
