// IAM JSON policy documents as data: parsed from the text IAM returns (URL-encoded or plain) or a
// file, checked against the policy grammar, and normalised so evaluation has one shape to read.
// Grammar: IAM User Guide, "IAM JSON policy element reference" and "Grammar of the IAM JSON policy language".
import { isRecord } from '../isRecord';
import { t } from '../text/l10n';

export interface Condition {
  /** As written, e.g. "StringEquals", "ForAnyValue:StringLike", "StringEqualsIfExists". */
  operator: string;
  key: string;
  values: string[];
}

export interface Principal {
  /** "*" alone means everyone (Principal: "*" or {"AWS": "*"}). */
  any: boolean;
  AWS: string[];
  Service: string[];
  Federated: string[];
  CanonicalUser: string[];
}

export interface Statement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** Exactly one of action / notAction is set. */
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: Principal;
  notPrincipal?: Principal;
  conditions: Condition[];
}

export interface PolicyDocument {
  version?: string;
  id?: string;
  statements: Statement[];
}

export type ParsedPolicy = { ok: true; policy: PolicyDocument; raw: unknown } | { ok: false; error: string };

/** IAM's get-role / get-policy-version answers carry the document URL-encoded; files and moto do not. */
export function decodePolicyText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return trimmed;
  try {
    return decodeURIComponent(trimmed.replace(/\+/g, ' '));
  } catch {
    return trimmed;
  }
}

function strings(v: unknown, what: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x): x is string => typeof x === 'string')) return v;
  throw new Error(t`${what} must be a string or an array of strings`);
}

function principalOf(v: unknown, what: string): Principal {
  const p: Principal = { any: false, AWS: [], Service: [], Federated: [], CanonicalUser: [] };
  if (v === '*') return { ...p, any: true };
  if (!isRecord(v))
    throw new Error(
      t`${what} must be "*" or an object such as {"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/ISSUER"}`,
    );
  for (const [k, val] of Object.entries(v)) {
    if (k !== 'AWS' && k !== 'Service' && k !== 'Federated' && k !== 'CanonicalUser')
      throw new Error(t`${what} has '${k}'; the principal types are AWS, Service, Federated and CanonicalUser`);
    const list = strings(val, `${what}.${k}`);
    p[k].push(...list);
    if (k === 'AWS' && list.includes('*')) p.any = true;
  }
  return p;
}

function statementOf(v: unknown, index: number): Statement {
  const where = t`Statement ${index + 1}`;
  if (!isRecord(v)) throw new Error(t`${where} is not an object with Effect, Action and Resource`);
  const known = [
    'Sid',
    'Effect',
    'Action',
    'NotAction',
    'Resource',
    'NotResource',
    'Principal',
    'NotPrincipal',
    'Condition',
  ];
  for (const k of Object.keys(v))
    if (!known.includes(k)) throw new Error(t`${where} has an unknown element '${k}' (elements: ${known.join(', ')})`);
  const effect = v['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny')
    throw new Error(
      typeof effect === 'string'
        ? t`${where}: "Effect" must be "Allow" or "Deny", not '${effect}'`
        : t`${where}: "Effect" must be "Allow" or "Deny"`,
    );
  if ((v['Action'] === undefined) === (v['NotAction'] === undefined))
    throw new Error(t`${where} needs exactly one of "Action" and "NotAction"`);
  if (v['Resource'] !== undefined && v['NotResource'] !== undefined)
    throw new Error(t`${where} has both "Resource" and "NotResource"`);
  if (v['Principal'] !== undefined && v['NotPrincipal'] !== undefined)
    throw new Error(t`${where} has both "Principal" and "NotPrincipal"`);
  const st: Statement = { effect, conditions: [] };
  if (typeof v['Sid'] === 'string') st.sid = v['Sid'];
  if (v['Action'] !== undefined) st.action = strings(v['Action'], `${where}.Action`);
  if (v['NotAction'] !== undefined) st.notAction = strings(v['NotAction'], `${where}.NotAction`);
  for (const a of [...(st.action ?? []), ...(st.notAction ?? [])]) {
    if (a !== '*' && !/^[a-zA-Z0-9-]+:[A-Za-z0-9*?]+$/.test(a))
      throw new Error(t`${where}: '${a}' is not an action of the form service:Action (for example aps:RemoteWrite)`);
  }
  if (v['Resource'] !== undefined) st.resource = strings(v['Resource'], `${where}.Resource`);
  if (v['NotResource'] !== undefined) st.notResource = strings(v['NotResource'], `${where}.NotResource`);
  if (v['Principal'] !== undefined) st.principal = principalOf(v['Principal'], `${where}.Principal`);
  if (v['NotPrincipal'] !== undefined) st.notPrincipal = principalOf(v['NotPrincipal'], `${where}.NotPrincipal`);
  const cond = v['Condition'];
  if (cond !== undefined) {
    if (!isRecord(cond))
      throw new Error(t`${where}: "Condition" must be an object of operators, e.g. {"StringEquals": {"KEY": "VALUE"}}`);
    for (const [operator, keys] of Object.entries(cond)) {
      if (!isRecord(keys)) throw new Error(t`${where}: Condition.${operator} must be an object of condition keys`);
      for (const [key, values] of Object.entries(keys)) {
        const list =
          typeof values === 'boolean' || typeof values === 'number'
            ? [String(values)]
            : Array.isArray(values)
              ? values.map((x) =>
                  typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number' ? String(x) : '',
                )
              : typeof values === 'string'
                ? [values]
                : undefined;
        if (!list) throw new Error(t`${where}: Condition.${operator}.${key} must be a value or a list of values`);
        st.conditions.push({ operator, key, values: list });
      }
    }
  }
  return st;
}

/** Parses a policy document; the error says what is wrong in the student's terms. */
export function parsePolicy(text: string): ParsedPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(decodePolicyText(text));
  } catch (e) {
    return {
      ok: false,
      error: t`not valid JSON (${e instanceof Error ? e.message : String(e)}); an IAM policy is a JSON object \
with "Version" and "Statement"`,
    };
  }
  return policyFromJson(raw);
}

export function policyFromJson(raw: unknown): ParsedPolicy {
  if (!isRecord(raw))
    return {
      ok: false,
      error: t`not an IAM policy: the document must be a JSON object with "Version" and "Statement"`,
    };
  if (raw['Statement'] === undefined) return { ok: false, error: t`not an IAM policy: it has no "Statement"` };
  for (const k of Object.keys(raw))
    if (k !== 'Version' && k !== 'Id' && k !== 'Statement')
      return {
        ok: false,
        error: t`not an IAM policy: unknown top-level element '${k}' (allowed: Version, Id, Statement)`,
      };
  const version = raw['Version'];
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17')
    return {
      ok: false,
      error: t`"Version" is '${String(version)}'; IAM accepts only "2012-10-17" (or the old "2008-10-17")`,
    };
  const list = Array.isArray(raw['Statement']) ? (raw['Statement'] as unknown[]) : [raw['Statement']];
  if (list.length === 0) return { ok: false, error: t`"Statement" is empty; a policy needs at least one statement` };
  try {
    const policy: PolicyDocument = { statements: list.map(statementOf) };
    if (typeof version === 'string') policy.version = version;
    if (typeof raw['Id'] === 'string') policy.id = raw['Id'];
    return { ok: true, policy, raw };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (isRecord(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortedDeep(v[k])]),
    );
  return v;
}

/**
 * A canonical text of a document for "is it the same policy?": key order and a single string
 * versus a one-element list do not matter, the order of statements and values does (IAM keeps both).
 */
export function canonicalPolicy(text: string): string | undefined {
  try {
    const raw = JSON.parse(decodePolicyText(text)) as unknown;
    const unwrap = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.length === 1
          ? unwrap(v[0])
          : v.map(unwrap)
        : isRecord(v)
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]))
          : v;
    return JSON.stringify(sortedDeep(unwrap(raw)));
  } catch {
    return undefined;
  }
}
