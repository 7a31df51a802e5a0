// iam/*: the policy the lab creates and the IRSA trust policy of the role Prometheus assumes.
// Rules follow the IAM JSON policy grammar and the EKS IRSA trust shape (EKS user guide).
import { t } from '../../text/l10n';
import type { YamlDocument } from '../model';
import { at as report, type Rule, type RuleContext } from '../rule';
import { asMap, asSeq, at, entries, entry, nodeRange, scalarText, seqItems, textAt } from '../yamlView';

const actionPattern = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/;

function isPolicy(doc: YamlDocument): boolean {
  return entry(doc.root, 'Statement') !== undefined;
}

function statements(doc: YamlDocument): unknown[] {
  const s = at(doc.root, ['Statement']);
  return asSeq(s) ? seqItems(s) : asMap(s) ? [s] : [];
}

function stringsOf(node: unknown): { value: string; node: unknown }[] {
  const single = scalarText(node);
  if (single !== undefined) return [{ value: single, node }];
  return seqItems(node).map((n) => ({ value: scalarText(n) ?? '', node: n }));
}

function checkSyntax(ctx: RuleContext, doc: YamlDocument): void {
  const v = doc.view;
  const version = entry(doc.root, 'Version');
  const versionText = scalarText(version?.value);
  if (!version)
    ctx.report(
      report(
        v,
        doc.root,
        'iam/policy-syntax',
        'warning',
        t`No "Version": IAM then uses 2008-10-17, where policy variables such as \${aws:username} do not work. \
Add "Version": "2012-10-17".`,
      ),
    );
  else if (versionText !== '2012-10-17' && versionText !== '2008-10-17')
    ctx.report(
      report(
        v,
        version.value,
        'iam/policy-syntax',
        'error',
        t`"Version" is '${versionText ?? ''}'; IAM accepts only "2012-10-17" (or the old "2008-10-17").`,
      ),
    );
  const statementEntry = entry(doc.root, 'Statement');
  if (!asSeq(statementEntry?.value) && !asMap(statementEntry?.value)) {
    ctx.report(
      report(
        v,
        statementEntry?.value ?? doc.root,
        'iam/policy-syntax',
        'error',
        t`"Statement" must be an object or an array of objects.`,
      ),
    );
    return;
  }
  for (const st of statements(doc)) {
    const stMap = asMap(st);
    if (!stMap) {
      ctx.report(
        report(
          v,
          st,
          'iam/policy-syntax',
          'error',
          t`Each statement must be an object with Effect, Action and Resource.`,
        ),
      );
      continue;
    }
    const effect = entry(stMap, 'Effect');
    const effectText = scalarText(effect?.value);
    if (effectText !== 'Allow' && effectText !== 'Deny')
      ctx.report(
        report(
          v,
          effect?.value ?? st,
          'iam/policy-syntax',
          'error',
          effectText
            ? t`"Effect" must be "Allow" or "Deny", not '${effectText}'.`
            : t`"Effect" must be "Allow" or "Deny".`,
        ),
      );
    const action = entry(stMap, 'Action') ?? entry(stMap, 'NotAction');
    if (!action)
      ctx.report(report(v, st, 'iam/policy-syntax', 'error', t`A statement needs "Action" (or "NotAction").`));
    for (const a of stringsOf(action?.value)) {
      if (!actionPattern.test(a.value))
        ctx.report(
          report(
            v,
            a.node,
            'iam/policy-syntax',
            'error',
            t`'${a.value}' is not an action of the form service:Action (for example aps:RemoteWrite).`,
          ),
        );
    }
    const isTrust = entry(stMap, 'Principal') !== undefined || entry(stMap, 'NotPrincipal') !== undefined;
    const resource = entry(stMap, 'Resource') ?? entry(stMap, 'NotResource');
    if (!isTrust && !resource)
      ctx.report(
        report(v, st, 'iam/policy-syntax', 'error', t`A permissions statement needs "Resource" (or "NotResource").`),
      );
    // A Condition (tags, request values) narrows "*"; read-only actions such as ec2:Describe* take
    // no resource but "*". Neither is worth a note.
    const actionNames = stringsOf(action?.value).map((a) => a.value);
    const readOnly = actionNames.length > 0 && actionNames.every((a) => /^[a-z0-9-]+:(Describe|List|Get)/.test(a));
    if (!isTrust && !entry(stMap, 'Condition') && !readOnly) {
      for (const r of stringsOf(resource?.value)) {
        if (r.value === '*')
          ctx.report(
            report(
              v,
              r.node,
              'iam/wildcard-resource',
              'info',
              actionNames.length
                ? t`"Resource": "*" allows ${actionNames.join(', ')} on every resource of the account. Fine for a lab; \
in production, name the resources' ARNs (for the lab: the workspace and log group).`
                : t`"Resource": "*" allows these actions on every resource of the account. Fine for a lab; \
in production, name the resources' ARNs (for the lab: the workspace and log group).`,
            ),
          );
      }
    }
  }
}

interface ServiceAccountRef {
  namespace: string;
  name: string;
}

const roleArnAnnotation = 'eks.amazonaws.com/role-arn';

/** ServiceAccounts in a sentence: "a", "a or b", "a or b or c" (each "or" translated with its neighbours). */
function orList(items: string[]): string {
  return items.reduce((list, item, i) => (i === 0 ? item : t`${list} or ${item}`), '');
}

/**
 * The ServiceAccounts a trust policy should name, and on what grounds. In general, the files must
 * say it: ServiceAccounts annotated with one and the same role, beside one web-identity trust policy
 * (with several roles or policies, which policy belongs to which role is not in the files). The lab's
 * rule: the ServiceAccounts the lab's files define, else the lab's prometheus-sa.
 */
type ExpectedAccounts = {
  refs: ServiceAccountRef[];
  /** The role's ServiceAccounts, annotated with it (its ARN, and the first one's file); undefined: Prometheus's. */
  annotated?: { count: number; role: string; file: string };
};

function expectedServiceAccounts(ctx: RuleContext, trustPolicies: number): ExpectedAccounts | undefined {
  const accounts = ctx.ws.objects.filter((o) => o.kind === 'ServiceAccount');
  const annotated = accounts
    .map((o) => ({ o, role: textAt(o.root, ['metadata', 'annotations', roleArnAnnotation]) }))
    .filter((a) => a.role);
  const roles = new Set(annotated.map((a) => a.role));
  if (annotated.length && roles.size === 1 && trustPolicies === 1) {
    return {
      refs: annotated.map((a) => ({ namespace: a.o.namespace ?? 'default', name: a.o.name })),
      annotated: { count: annotated.length, role: [...roles][0] ?? '', file: annotated[0]?.o.view.file ?? '' },
    };
  }
  if (!ctx.options.labRules) return undefined;
  if (accounts.length) return { refs: accounts.map((o) => ({ namespace: o.namespace ?? 'default', name: o.name })) };
  const [namespace, name] = (ctx.options.prometheusServiceAccount ?? 'monitoring/prometheus-sa').split('/');
  return { refs: [{ namespace: namespace ?? 'monitoring', name: name ?? 'prometheus-sa' }] };
}

/** An IRSA statement: web identity from an EKS OIDC provider, or with ServiceAccount subjects. GitHub's and others' OIDC trust are not ours to judge. */
function isIrsaStatement(st: unknown, subjects: string[]): boolean {
  const federated = stringsOf(at(st, ['Principal', 'Federated'])).map((f) => f.value);
  return federated.some((f) => /oidc\.eks\./.test(f)) || subjects.some((s) => s.startsWith('system:serviceaccount:'));
}

function webIdentityStatements(doc: YamlDocument): unknown[] {
  return statements(doc).filter((st) =>
    stringsOf(at(st, ['Action'])).some((a) => a.value === 'sts:AssumeRoleWithWebIdentity'),
  );
}

function checkTrust(ctx: RuleContext, doc: YamlDocument, expected: ExpectedAccounts | undefined): void {
  const v = doc.view;
  for (const st of webIdentityStatements(doc)) {
    const conditions = asMap(at(st, ['Condition']));
    const keys: { op: string; key: string; values: { value: string; node: unknown }[]; node: unknown }[] = [];
    for (const op of entries(conditions)) {
      for (const k of entries(asMap(op.value)))
        keys.push({ op: op.key, key: k.key, values: stringsOf(k.value), node: k.keyNode });
    }
    const sub = keys.filter((k) => k.key.endsWith(':sub'));
    const aud = keys.filter((k) => k.key.endsWith(':aud'));
    if (
      !isIrsaStatement(
        st,
        sub.flatMap((s) => s.values.map((x) => x.value)),
      )
    )
      continue;
    const expectedText = (expected?.refs ?? []).map((e) => `system:serviceaccount:${e.namespace}:${e.name}`);
    if (!sub.length) {
      // JSON, a value of the sentence: a key holding { } around a placeholder is misread by vscode.l10n.t.
      const condition = `"StringEquals": {"<issuer>:sub": "${expectedText[0] ?? 'system:serviceaccount:NAMESPACE:NAME'}"}`;
      ctx.report(
        report(
          v,
          conditions ? entry(asMap(st), 'Condition')?.keyNode : st,
          'iam/trust-subject-mismatch',
          'error',
          t`The trust policy does not restrict \`<issuer>:sub\`: any ServiceAccount in the cluster can assume \
this role. Add ${condition}.`,
        ),
      );
    }
    for (const s of sub) {
      for (const val of s.values) {
        if (/[*?]/.test(val.value)) {
          // A wildcard is a choice (Crossplane's provider-* accounts); in the lab it is a slip.
          ctx.report(
            report(
              v,
              val.node,
              'iam/trust-subject-mismatch',
              ctx.options.labRules ? 'warning' : 'info',
              expectedText.length
                ? t`The subject '${val.value}' is a wildcard (${s.op}): every matching ServiceAccount can assume \
the role, not only ${orList(expectedText)}.`
                : t`The subject '${val.value}' is a wildcard (${s.op}): every matching ServiceAccount can assume the role.`,
            ),
          );
        } else if (expected && !expectedText.includes(val.value)) {
          const list = orList(expectedText);
          const a = expected.annotated;
          const refused = !a
            ? t`The trust policy allows '${val.value}', but Prometheus runs as ${list}; \
STS refuses that ServiceAccount's token (AccessDenied on AssumeRoleWithWebIdentity).`
            : a.count > 1
              ? t`The trust policy allows '${val.value}', but the role is for ${list} (the ServiceAccounts annotated \
with ${roleArnAnnotation}: ${a.role} (${a.file})); STS refuses that ServiceAccount's token (AccessDenied on \
AssumeRoleWithWebIdentity).`
              : t`The trust policy allows '${val.value}', but the role is for ${list} (the ServiceAccount annotated \
with ${roleArnAnnotation}: ${a.role} (${a.file})); STS refuses that ServiceAccount's token (AccessDenied on \
AssumeRoleWithWebIdentity).`;
          ctx.report(
            report(v, val.node, 'iam/trust-subject-mismatch', 'error', refused, {
              fixes:
                expectedText.length === 1
                  ? [
                      {
                        title: t`Trust ${expectedText[0] ?? ''}`,
                        edits: [
                          {
                            file: v.file,
                            range: nodeRange(v, val.node as Parameters<typeof nodeRange>[1]),
                            newText: JSON.stringify(expectedText[0]),
                          },
                        ],
                      },
                    ]
                  : [],
            }),
          );
        }
      }
    }
    if (!aud.length) {
      ctx.report(
        report(
          v,
          sub[0]?.node ?? st,
          'iam/trust-audience-missing',
          'warning',
          t`The trust policy does not check \`<issuer>:aud\`, so tokens issued for other audiences are accepted \
too. Add "<issuer>:aud": "sts.amazonaws.com" next to the :sub condition (eksctl and the EKS guide do).`,
        ),
      );
    }
    for (const a of aud) {
      for (const val of a.values) {
        if (val.value !== 'sts.amazonaws.com')
          ctx.report(
            report(
              v,
              val.node,
              'iam/trust-audience-missing',
              'error',
              t`The audience is '${val.value}', but the EKS pod identity webhook requests tokens for sts.amazonaws.com; \
AssumeRoleWithWebIdentity fails.`,
            ),
          );
      }
    }
  }
}

export const iamRules: Rule = (ctx) => {
  const trustPolicies = ctx.ws.json.filter((d) => isPolicy(d) && webIdentityStatements(d).length > 0).length;
  // What the files say the trust policies should name: the same for every policy of the scope.
  const expected = expectedServiceAccounts(ctx, trustPolicies);
  for (const doc of ctx.ws.json) {
    if (!isPolicy(doc)) continue;
    checkSyntax(ctx, doc);
    checkTrust(ctx, doc, expected);
  }
};
