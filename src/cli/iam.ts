// obslab iam inspect|setup|cleanup: Tasks 1 and 4 of the lab from a terminal, against whatever
// AWS the SDK's standard configuration points at (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL...).
// inspect: the role's trust and permissions as findings plus a verdict for each lab action.
//   Exit 0: no error finding; 1: error findings, or AWS could not be asked; 2: bad usage.
// setup: the plan of Task 1 (OIDC provider, policy, role, attachment, ServiceAccount), then the changes.
//   Exit 0: done (or nothing to do, or --dry-run); 1: a step failed; 2: bad usage or not confirmed.
// cleanup: deletes the lab's role and policy (tagged obslab:lab=true, or named with --role-name/--policy-name).
// inspect and setup read the cluster too; --wait-for-kubeconfig[=SECONDS] waits for a kubeconfig KUBECONFIG names.
import * as l10n from '@vscode/l10n';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { reportText } from '../core/iam/report';
import { commandLine, shellFor } from '../core/shellQuote';
import { eksctlOidcArgs, permissionsText, planIrsaSetup, type IrsaObserved } from '../core/iam/setup';
import { defaultParams } from '../core/scaffold/params';
import { labNames } from '../core/scaffold/plan';
import { AwsError, awsClients } from '../node/aws/clients';
import { planAwsCleanupFor, runAwsCleanup } from '../node/aws/cleanup';
import { inspectIrsaRole } from '../node/aws/inspect';
import { applyIrsaChanges, callerIdentity, clusterIssuer, observeIrsa } from '../node/aws/irsa';
import { applyServiceAccount, readIrsaKubeSide, readServiceAccount } from '../node/kube/serviceAccount';
import { KubeError, type LoadedKube } from '../node/kube/config';
import { loadLabManifest } from '../node/files/labManifest';
import { confirmOnTty } from './cleanup';
import { iamCleanupSpec, iamInspectSpec, iamSetupSpec, iamUsage } from './iamUsage';
import { UsageError, parseCli, type Io, notJsonOrText } from './io';
import { loadKubeWaiting } from './kubeconfigWait';
import { kubeconfigWaitBound, takeWaitForKubeconfig } from './kubeconfigWaitOption';

export { iamUsage };

export type Confirm = (question: string) => Promise<boolean | undefined>;

function formatOf(v: string | undefined): 'json' | 'text' {
  const f = v ?? 'text';
  if (f !== 'json' && f !== 'text') throw notJsonOrText(f);
  return f;
}

interface Defaults {
  cluster: string;
  region: string;
  namespace: string;
}

/** The lab folder's choices (obslab-lab.json above the current folder), else the lab's defaults. */
function labDefaults(cwd: string, env: NodeJS.ProcessEnv): Defaults {
  const params = loadLabManifest(cwd)?.params ?? defaultParams;
  return {
    cluster: params.clusterName,
    region: env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || params.awsRegion,
    namespace: params.monitoringNamespace,
  };
}

async function kubeFor(
  values: {
    kubeconfig?: string | undefined;
    context?: string | undefined;
    'no-kube'?: boolean | undefined;
    'wait-for-kubeconfig'?: boolean | undefined;
  },
  waitMs: number | undefined,
  command: string,
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<LoadedKube | KubeError | undefined> {
  if (values['no-kube']) return undefined;
  try {
    return await loadKubeWaiting(
      {
        ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
        ...(values.context ? { context: values.context } : {}),
      },
      { command, io, waitMs: kubeconfigWaitBound(values['wait-for-kubeconfig'], waitMs), env },
    );
  } catch (e) {
    if (e instanceof KubeError) return e;
    throw e;
  }
}

async function inspect(argv: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const wait = takeWaitForKubeconfig(argv);
  const { values, positionals } = parseCli(wait.argv, iamInspectSpec);
  if (positionals.length !== 1 || !positionals[0])
    throw new UsageError(`${l10n.t("give the role's name (e.g. {0})", labNames.roleName)}\n${iamUsage}`);
  const format = formatOf(values.format);
  const d = labDefaults(process.cwd(), env);
  const clients = awsClients({ region: values.region ?? d.region }, env);
  const kube = await kubeFor(values, wait.waitMs, 'obslab iam inspect', io, env);
  const namespace = values.namespace ?? d.namespace;
  const serviceAccount = values['service-account'] ?? labNames.prometheusServiceAccount;
  const report = await inspectIrsaRole(clients, positionals[0], {
    clusterName: values.cluster ?? d.cluster,
    namespace,
    serviceAccount,
    ...(kube ? { readKubeSide: () => readIrsaKubeSide(kube, namespace, serviceAccount) } : {}),
  });
  if (format === 'json') io.out(JSON.stringify(report, null, 2));
  else io.out(reportText(report));
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

function findPolicyFile(cwd: string): string | undefined {
  for (const p of [join(cwd, 'iam', 'prometheus-iam-policy.json'), join(cwd, 'prometheus-iam-policy.json')])
    if (existsSync(p)) return p;
  return undefined;
}

async function setup(argv: string[], io: Io, env: NodeJS.ProcessEnv, confirm: Confirm): Promise<number> {
  const wait = takeWaitForKubeconfig(argv);
  const { values, positionals } = parseCli(wait.argv, iamSetupSpec);
  if (positionals.length) throw new UsageError(`${l10n.t('iam setup takes no positional arguments')}\n${iamUsage}`);
  const format = formatOf(values.format);
  const d = labDefaults(process.cwd(), env);
  const policyFile = values.policy ? resolve(values.policy) : findPolicyFile(process.cwd());
  if (!policyFile || !existsSync(policyFile)) {
    io.err(
      values.policy
        ? l10n.t(
            'obslab iam setup: {0} does not exist; run it in the lab folder (obslab scaffold makes one) or pass --policy FILE',
            values.policy,
          )
        : l10n.t(
            'obslab iam setup: no {0} here; run it in the lab folder (obslab scaffold makes one) or pass --policy FILE',
            'iam/prometheus-iam-policy.json',
          ),
    );
    return 1;
  }
  const clusterName = values.cluster ?? d.cluster;
  const namespace = values.namespace ?? d.namespace;
  const serviceAccount = values['service-account'] ?? labNames.prometheusServiceAccount;
  const clients = awsClients({ region: values.region ?? d.region }, env);
  const identity = await callerIdentity(clients);
  const issuer = await clusterIssuer(clients, clusterName);
  const observed: IrsaObserved = await observeIrsa(
    clients,
    { identity, issuer },
    values['policy-name'] ?? labNames.policyName,
    values['role-name'] ?? labNames.roleName,
  );
  const kube = await kubeFor(values, wait.waitMs, 'obslab iam setup', io, env);
  if (kube instanceof KubeError) io.err(l10n.t('obslab iam setup: the ServiceAccount is skipped: {0}', kube.message));
  else if (kube) observed.serviceAccount = await readServiceAccount(kube, namespace, serviceAccount);
  const plan = planIrsaSetup(
    {
      accountId: identity.account,
      partition: identity.partition,
      issuer,
      policyName: values['policy-name'] ?? labNames.policyName,
      policyDocument: readFileSync(policyFile, 'utf8'),
      roleName: values['role-name'] ?? labNames.roleName,
      namespace,
      serviceAccount,
    },
    observed,
  );
  if (plan.blockers.length) {
    for (const b of plan.blockers) io.err(`obslab iam setup: ${policyFile}: ${b}`);
    return 1;
  }
  if (format === 'text') {
    io.out(l10n.t('Account {0}, cluster {1} ({2}), issuer {3}', identity.account, clusterName, clients.region, issuer));
    for (const u of plan.unchanged) io.out(`  unchanged  ${u}`);
    for (const c of plan.changes) io.out(`  change     ${c.description}`);
    if (!plan.changes.length) io.out(l10n.t('Nothing to change.'));
    for (const line of permissionsText(plan, policyFile)) if (line) io.out(`  ${line}`);
  }
  const needsProvider = plan.changes.some((c) => c.kind === 'createOidcProvider');
  if (needsProvider && !values['create-oidc-provider']) {
    io.err(
      l10n.t(
        'obslab iam setup: the account has no IAM OIDC provider for {0}. Pass --create-oidc-provider, or run: {1}',
        issuer,
        commandLine(
          ['eksctl', ...eksctlOidcArgs({ cluster: clusterName, region: clients.region })],
          shellFor(process.platform),
        ),
      ),
    );
    return values['dry-run'] ? 0 : 1;
  }
  const json = (steps: unknown[]): void =>
    io.out(
      JSON.stringify(
        {
          policyArn: plan.policyArn,
          roleArn: plan.roleArn,
          unchanged: plan.unchanged,
          changes: plan.changes.map((c) => ({ kind: c.kind, description: c.description })),
          steps,
        },
        null,
        2,
      ),
    );
  if (!plan.changes.length || values['dry-run']) {
    if (format === 'json') json([]);
    return 0;
  }
  if (!values.yes) {
    const ok = await confirm(l10n.t('Make these {0} change(s)?', plan.changes.length));
    if (ok !== true) {
      io.err(
        ok === undefined
          ? l10n.t(
              'obslab iam setup: not changing anything without confirmation; run it in a terminal, or pass --yes (see the plan above, or --dry-run)',
            )
          : l10n.t('obslab iam setup: nothing changed'),
      );
      return 2;
    }
  }
  const steps: { kind: string; result: string; note?: string }[] = [];
  await applyIrsaChanges(clients, plan.changes, {
    ...(kube && !(kube instanceof KubeError)
      ? { applyServiceAccount: (ns: string, name: string, arn: string) => applyServiceAccount(kube, ns, name, arn) }
      : {}),
    onStep: (c, result, note) => {
      steps.push({ kind: c.kind, result, ...(note ? { note } : {}) });
      if (format === 'text')
        io.out(`${result === 'done' ? 'ok     ' : 'skipped'}  ${c.description}${note ? ` (${note})` : ''}`);
    },
  });
  if (format === 'json') json(steps);
  else
    io.out(
      l10n.t(
        'Role {0} is ready for {1}; check it with: {2}',
        plan.roleArn,
        `${namespace}/${serviceAccount}`,
        `obslab iam inspect ${values['role-name'] ?? labNames.roleName}`,
      ),
    );
  return 0;
}

async function cleanup(argv: string[], io: Io, env: NodeJS.ProcessEnv, confirm: Confirm): Promise<number> {
  const { values, positionals } = parseCli(argv, iamCleanupSpec);
  if (positionals.length) throw new UsageError(`${l10n.t('iam cleanup takes no positional arguments')}\n${iamUsage}`);
  const format = formatOf(values.format);
  const d = labDefaults(process.cwd(), env);
  const clients = awsClients({ region: values.region ?? d.region }, env);
  const plan = await planAwsCleanupFor(clients, {
    roleName: values['role-name'] ?? labNames.roleName,
    policyName: values['policy-name'] ?? labNames.policyName,
    named: { role: values['role-name'] !== undefined, policy: values['policy-name'] !== undefined },
    clusterName: values.cluster ?? d.cluster,
    includeOidcProvider: values['include-oidc-provider'] === true,
  });
  if (format === 'text') {
    for (const k of plan.kept) io.out(`  keep    ${k}`);
    for (const s of plan.steps) io.out(`  delete  ${s.description}`);
    if (!plan.steps.length) io.out(l10n.t('Nothing of the lab to delete in AWS.'));
  }
  const json = (results: unknown[]): void =>
    io.out(
      JSON.stringify(
        { kept: plan.kept, steps: plan.steps.map((s) => ({ kind: s.kind, description: s.description })), results },
        null,
        2,
      ),
    );
  if (!plan.steps.length || values['dry-run']) {
    if (format === 'json') json([]);
    return 0;
  }
  if (!values.yes) {
    const ok = await confirm(l10n.t('Delete these {0} item(s)?', plan.steps.length));
    if (ok !== true) {
      io.err(
        ok === undefined
          ? l10n.t('obslab iam cleanup: not deleting without confirmation; run it in a terminal, or pass --yes')
          : l10n.t('obslab iam cleanup: nothing deleted'),
      );
      return 2;
    }
  }
  const results = await runAwsCleanup(clients, plan, (r) => {
    if (format === 'text')
      io.out(
        `${r.result === 'failed' ? 'FAILED' : r.result === 'done' ? 'ok    ' : 'gone  '}  ${r.step.description}${r.message ? `: ${r.message}` : ''}`,
      );
  });
  if (format === 'json')
    json(
      results.map((r) => ({
        kind: r.step.kind,
        description: r.step.description,
        result: r.result,
        ...(r.message ? { message: r.message } : {}),
      })),
    );
  return results.some((r) => r.result === 'failed') ? 1 : 0;
}

export async function runIam(
  argv: string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
  confirm: Confirm = confirmOnTty,
): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'inspect':
        return await inspect(rest, io, env);
      case 'setup':
        return await setup(rest, io, env, confirm);
      case 'cleanup':
        return await cleanup(rest, io, env, confirm);
      default:
        throw new UsageError(
          `${sub ? l10n.t("unknown subcommand '{0}': inspect, setup or cleanup", sub) : l10n.t('give a subcommand: inspect, setup or cleanup')}\n${iamUsage}`,
        );
    }
  } catch (e) {
    if (e instanceof AwsError || e instanceof KubeError) {
      io.err(`obslab iam ${sub ?? ''}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
