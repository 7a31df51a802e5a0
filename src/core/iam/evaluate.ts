// Our own evaluation of IAM policy documents, for when the API cannot simulate (moto has no
// iam:SimulatePrincipalPolicy) or the student asks "what if". It follows the documented logic
// for identity-based and role trust policies in one account (IAM User Guide, "Policy evaluation
// logic"): an explicit Deny wins, then any Allow, else the implicit (default) deny.
// Actions match case-insensitively with * and ?; resources and condition values case-sensitively
// unless the operator says IgnoreCase; condition key names are case-insensitive. A key missing from
// the request makes a condition false, except negated operators, ...IfExists, ForAllValues and Null
// (condition operators page). Operators we cannot decide without more of the request (numbers,
// dates, IP addresses, binary, policy variables) make a statement "undetermined", never a guess.
// Not modelled: permissions boundaries, SCPs, session policies, resource-based policies of the
// target service: say so wherever this verdict is shown.
import { t } from '../text/l10n';
import type { Condition, PolicyDocument, Principal, Statement } from './policy';

export type Tri = true | false | 'unknown';

export interface EvalRequest {
  action: string;
  /** Default "*": a request on any resource (the lab's policy names none). */
  resource?: string;
  /** For trust policies: who asks. */
  principal?: { type: 'AWS' | 'Service' | 'Federated'; id: string };
  /** Condition keys of the request; single values or lists. */
  context?: Record<string, string | string[]>;
}

export interface NamedPolicy {
  /** The policy's name or ARN, for the explanation. */
  name: string;
  document: PolicyDocument;
}

export interface StatementRef {
  policy: string;
  /** 0-based index in the policy's statements. */
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny' | 'undetermined';

export interface EvalResult {
  decision: Decision;
  /** The statements that decided: the matching Deny(s), else the matching Allow(s). */
  decidedBy: StatementRef[];
  /** Statements whose match could not be decided, with why. */
  undetermined: { statement: StatementRef; reason: string }[];
  /** Condition keys a statement asked for that the request did not carry (treated as absent). */
  absentKeys: string[];
}

export function wildcardRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
}

export function actionMatches(pattern: string, action: string): boolean {
  return wildcardRegExp(pattern, true).test(action);
}

/** ARN matching as ArnLike documents it: each of the six colon-separated parts on its own, with wildcards. */
export function arnMatches(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return wildcardRegExp(pattern, false).test(arn);
  const head = (parts: string[]): string[] => [...parts.slice(0, 5), parts.slice(5).join(':')];
  const [ph, ah] = [head(p), head(a)];
  return ph.every((seg, i) => wildcardRegExp(seg, false).test(ah[i] ?? ''));
}

function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*' || resource === '*') return pattern === '*' || resource === '*';
  return arnMatches(pattern, resource);
}

function principalMatches(p: Principal, who: NonNullable<EvalRequest['principal']>): boolean {
  if (p.any) return true;
  return p[who.type].some(
    (x) => x === who.id || (who.type === 'AWS' && /^\d{12}$/.test(x) && who.id.startsWith(`arn:aws:iam::${x}:`)),
  );
}

interface OperatorParts {
  set?: 'ForAnyValue' | 'ForAllValues';
  base: string;
  ifExists: boolean;
}

export function operatorParts(operator: string): OperatorParts {
  let rest = operator;
  let set: OperatorParts['set'];
  const m = /^(ForAnyValue|ForAllValues):(.*)$/i.exec(rest);
  if (m) {
    set = (m[1] ?? '').toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : 'ForAllValues';
    rest = m[2] ?? '';
  }
  const ifExists = /IfExists$/.test(rest) && rest !== 'IfExists';
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  return { ...(set ? { set } : {}), base, ifExists };
}

const comparers: Record<string, { negated: boolean; test: (ctx: string, policy: string) => boolean }> = {
  StringEquals: { negated: false, test: (c, p) => c === p },
  StringNotEquals: { negated: true, test: (c, p) => c === p },
  StringEqualsIgnoreCase: { negated: false, test: (c, p) => c.toLowerCase() === p.toLowerCase() },
  StringNotEqualsIgnoreCase: { negated: true, test: (c, p) => c.toLowerCase() === p.toLowerCase() },
  StringLike: { negated: false, test: (c, p) => wildcardRegExp(p, false).test(c) },
  StringNotLike: { negated: true, test: (c, p) => wildcardRegExp(p, false).test(c) },
  ArnEquals: { negated: false, test: (c, p) => arnMatches(p, c) },
  ArnLike: { negated: false, test: (c, p) => arnMatches(p, c) },
  ArnNotEquals: { negated: true, test: (c, p) => arnMatches(p, c) },
  ArnNotLike: { negated: true, test: (c, p) => arnMatches(p, c) },
  Bool: { negated: false, test: (c, p) => c.toLowerCase() === p.toLowerCase() },
};

/** The operators this evaluator decides; others make a statement undetermined. */
export const supportedOperators = [...Object.keys(comparers), 'Null'];

function contextValues(context: EvalRequest['context'], key: string): string[] | undefined {
  if (!context) return undefined;
  const k = Object.keys(context).find((x) => x.toLowerCase() === key.toLowerCase());
  if (k === undefined) return undefined;
  const v = context[k];
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

export function evaluateCondition(
  c: Condition,
  context: EvalRequest['context'],
): { result: Tri; reason?: string; absent?: boolean } {
  const { set, base, ifExists } = operatorParts(c.operator);
  const values = contextValues(context, c.key);
  const present = values !== undefined && values.length > 0;
  if (base === 'Null') {
    const wantAbsent = (c.values[0] ?? '').toLowerCase() === 'true';
    return { result: wantAbsent === !present };
  }
  const cmp = comparers[base];
  if (!cmp) return { result: 'unknown', reason: t`the operator ${c.operator} is not evaluated here` };
  if (c.values.some((v) => v.includes('${')))
    return { result: 'unknown', reason: t`${c.key} uses a policy variable, which only IAM resolves` };
  if (!present) {
    const result = ifExists || set === 'ForAllValues' ? true : set === 'ForAnyValue' ? false : cmp.negated;
    return { result, absent: true };
  }
  const one = (v: string): boolean => {
    const any = c.values.some((p) => cmp.test(v, p));
    return cmp.negated ? !any : any;
  };
  if (set === 'ForAllValues') return { result: values.every(one) };
  // Without a set operator a single-valued key has one value; more values are treated as any-of.
  return { result: values.some(one) };
}

function and(a: Tri, b: Tri): Tri {
  if (a === false || b === false) return false;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return true;
}

export interface StatementMatch {
  result: Tri;
  reasons: string[];
  absentKeys: string[];
}

export function statementApplies(st: Statement, req: EvalRequest): StatementMatch {
  const action = st.action
    ? st.action.some((p) => actionMatches(p, req.action))
    : !(st.notAction ?? []).some((p) => actionMatches(p, req.action));
  if (!action) return { result: false, reasons: [], absentKeys: [] };
  const resource = req.resource ?? '*';
  if (st.resource && !st.resource.some((p) => resourceMatches(p, resource)))
    return { result: false, reasons: [], absentKeys: [] };
  if (st.notResource && st.notResource.some((p) => resourceMatches(p, resource)))
    return { result: false, reasons: [], absentKeys: [] };
  if (req.principal) {
    if (st.principal && !principalMatches(st.principal, req.principal))
      return { result: false, reasons: [], absentKeys: [] };
    if (st.notPrincipal && principalMatches(st.notPrincipal, req.principal))
      return { result: false, reasons: [], absentKeys: [] };
  }
  let result: Tri = true;
  const reasons: string[] = [];
  const absentKeys: string[] = [];
  for (const c of st.conditions) {
    const r = evaluateCondition(c, req.context);
    result = and(result, r.result);
    if (r.reason) reasons.push(r.reason);
    if (r.absent) absentKeys.push(c.key);
  }
  return { result, reasons, absentKeys };
}

export function evaluate(policies: NamedPolicy[], req: EvalRequest): EvalResult {
  const allows: StatementRef[] = [];
  const denies: StatementRef[] = [];
  const undetermined: EvalResult['undetermined'] = [];
  const absent = new Set<string>();
  for (const p of policies) {
    p.document.statements.forEach((st, index) => {
      const ref: StatementRef = { policy: p.name, index, effect: st.effect, ...(st.sid ? { sid: st.sid } : {}) };
      const m = statementApplies(st, req);
      for (const k of m.absentKeys) absent.add(k);
      if (m.result === 'unknown') undetermined.push({ statement: ref, reason: m.reasons.join('; ') });
      else if (m.result) (st.effect === 'Deny' ? denies : allows).push(ref);
    });
  }
  const absentKeys = [...absent];
  if (denies.length) return { decision: 'explicitDeny', decidedBy: denies, undetermined, absentKeys };
  // An undecidable Deny could still deny: do not promise an Allow over it.
  if (undetermined.some((u) => u.statement.effect === 'Deny'))
    return { decision: 'undetermined', decidedBy: allows, undetermined, absentKeys };
  if (allows.length) return { decision: 'allowed', decidedBy: allows, undetermined, absentKeys };
  if (undetermined.length) return { decision: 'undetermined', decidedBy: [], undetermined, absentKeys };
  return { decision: 'implicitDeny', decidedBy: [], undetermined, absentKeys };
}

export function describeStatementRef(s: StatementRef): string {
  return s.sid
    ? t`${s.policy} statement '${s.sid}' (${s.effect})`
    : t`${s.policy} statement ${s.index + 1} (${s.effect})`;
}
