// What a permissions policy grants, statement by statement, in words the IRSA dialog can show
// before the policy is created and attached: effect, actions, resources, conditions; and a
// warning where it is broad: every action ("*", a whole service, or NotAction), or actions that
// can change something on every resource (Resource "*" or NotResource).
import { t } from '../text/l10n';
import type { PolicyDocument, Statement } from './policy';

/** The items joined by a translated "or" / "and": each pair is one text, as a language orders it. */
const orList = (items: string[]): string => (items.length ? items.reduce((list, one) => t`${list} or ${one}`) : '');
const andList = (items: string[]): string => (items.length ? items.reduce((list, one) => t`${list} and ${one}`) : '');

export interface StatementPermissions {
  /** 1-based, as the statement appears in the file. */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** The actions as written; `except` when the statement uses NotAction. */
  actions: { list: string[]; except: boolean };
  /** The resources as written (none written: every resource); `except` for NotResource. */
  resources: { list: string[]; except: boolean };
  /** "StringEquals aws:RequestedRegion = eu-west-1", one per condition key. */
  conditions: string[];
  /** Actions (or patterns) of the statement that can change something, not only read. */
  writeActions: string[];
}

export interface PolicyPermissions {
  statements: StatementPermissions[];
  warnings: string[];
}

/** Verbs of IAM actions that only read. Anything else (Put, Create, Delete, RemoteWrite, Pass, Tag...) may change something. */
const readVerbs = [
  'Get',
  'List',
  'Describe',
  'Query',
  'Search',
  'Select',
  'View',
  'Lookup',
  'BatchGet',
  'Scan',
  'Head',
  'Filter',
  'Read',
];

/**
 * Whether an action, or a pattern of actions, may include one that writes: "*", "aps:*" and
 * "logs:Put*" may; "aps:Get*" and "aps:QueryMetrics" may not. The name's literal prefix, before
 * any wildcard, must already be a read verb.
 */
export function mayWrite(action: string): boolean {
  if (action === '*') return true;
  const name = action.slice(action.indexOf(':') + 1);
  const literal = name.split(/[*?]/)[0] ?? '';
  return !readVerbs.some(
    (v) => literal.startsWith(v) && (literal.length === v.length || /[A-Z]/.test(literal[v.length] ?? '')),
  );
}

/** Write actions IAM lets name no resource: "*" is the only Resource they accept (narrowed with conditions instead). */
const noResourceLevel = new Set(['cloudwatch:putmetricdata']);

function describeStatement(s: Statement, index: number): StatementPermissions {
  const actions = s.action ? { list: s.action, except: false } : { list: s.notAction ?? [], except: true };
  const resources = s.resource
    ? { list: s.resource, except: false }
    : s.notResource
      ? { list: s.notResource, except: true }
      : { list: [], except: false };
  const writeActions = actions.except ? ['*'] : actions.list.filter(mayWrite);
  return {
    index,
    ...(s.sid ? { sid: s.sid } : {}),
    effect: s.effect,
    actions,
    resources,
    conditions: s.conditions.map((c) => `${c.operator} ${c.key} = ${orList(c.values)}`),
    writeActions,
  };
}

/** What to name instead of "*", for the services the lab's policy uses. */
function resourceExample(service: string): string | undefined {
  if (service === 'aps')
    return t`the Amazon Managed Prometheus workspace: arn:aws:aps:REGION:ACCOUNT:workspace/WORKSPACE_ID`;
  if (service === 'logs') return t`the log group: arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`;
  return undefined;
}

function arnExamples(actions: string[]): string {
  const services = [...new Set(actions.map((a) => a.split(':')[0] ?? ''))];
  const examples = services.map(resourceExample).filter((e): e is string => e !== undefined);
  return examples.length ? ` (${examples.join('; ')})` : '';
}

const name = (s: StatementPermissions): string =>
  s.sid ? t`Statement ${s.index} (${s.sid})` : t`Statement ${s.index}`;
const everyResource = (s: StatementPermissions): boolean =>
  s.resources.except || s.resources.list.length === 0 || s.resources.list.includes('*');

export function policyPermissions(policy: PolicyDocument): PolicyPermissions {
  const statements = policy.statements.map((s, i) => describeStatement(s, i + 1));
  const warnings: string[] = [];
  for (const s of statements) {
    // A broad Deny takes away; only what is allowed can be too much.
    if (s.effect !== 'Allow') continue;
    if (s.actions.except)
      warnings.push(
        t`${name(s)} allows every action except ${s.actions.list.join(', ')} (NotAction): that is \
nearly everything in the account. List the actions Prometheus needs instead.`,
      );
    else if (s.actions.list.includes('*'))
      warnings.push(
        t`${name(s)} allows every action of every service (Action: "*"): whoever assumes the role \
could do anything the resources allow. List the actions Prometheus needs instead.`,
      );
    else {
      const services = s.actions.list.filter((a) => /^[^:]+:\*$/.test(a));
      if (services.length)
        warnings.push(
          t`${name(s)} allows every action of ${services.map((a) => a.split(':')[0]).join(', ')} \
(${services.join(', ')}), writes and deletes included. List the actions Prometheus needs instead.`,
        );
    }
    if (!everyResource(s)) continue;
    const writes = s.writeActions.filter((a) => !noResourceLevel.has(a.toLowerCase()));
    if (!writes.length || s.actions.except || s.actions.list.includes('*')) continue;
    const where = s.resources.except
      ? t`every resource except ${s.resources.list.join(', ')} (NotResource)`
      : t`every resource (Resource: "*")`;
    const unscoped = s.writeActions.filter((a) => noResourceLevel.has(a.toLowerCase()));
    const examples = arnExamples(writes);
    const warning = s.conditions.length
      ? t`${name(s)} allows ${writes.join(', ')}, which can change things, \
on ${where}, limited only by its conditions. Name the resources instead${examples}.`
      : t`${name(s)} allows ${writes.join(', ')}, which can change things, \
on ${where}. Name the resources instead${examples}.`;
    // The note after the sentence starts with its own space.
    const note = unscoped.length ? t` (${unscoped.join(', ')} accepts no resource ARN, so "*" is right there.)` : '';
    warnings.push(`${warning}${note}`);
  }
  return { statements, warnings };
}

/** The statements as lines for a dialog or a terminal: "1. Allow aps:RemoteWrite, aps:QueryMetrics on every resource (*)". */
export function permissionLines(p: PolicyPermissions): string[] {
  return p.statements.map((s) => {
    const actions = s.actions.except ? t`every action except ${s.actions.list.join(', ')}` : s.actions.list.join(', ');
    const resources = s.resources.except
      ? t`every resource except ${s.resources.list.join(', ')}`
      : s.resources.list.length === 0 || s.resources.list.includes('*')
        ? t`every resource (${s.resources.list.join(', ') || t`none named`})`
        : s.resources.list.join(', ');
    // The effect is IAM's own word (Allow, Deny), as the policy file has it.
    const head = `${s.index}. ${s.effect}${s.sid ? ` [${s.sid}]` : ''}`;
    return s.conditions.length
      ? t`${head}: ${actions} on ${resources}, when ${andList(s.conditions)}`
      : t`${head}: ${actions} on ${resources}`;
  });
}
