// Pod templates, Services and the links between them, read from the Kubernetes objects of a
// workspace: what the cross-resource rules and the collector rules need to follow references.
import type { ChartValuesDocument } from './chartValues';
import type { K8sObject, Workspace } from './model';
import { at, scalarText, seqItems, stringMap, textAt } from './yamlView';

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  node: unknown;
}

export interface EnvVar {
  name: string;
  value?: string;
  node: unknown;
  valueNode: unknown;
  configMapKeyRef?: { name: string; key: string; node: unknown };
}

export interface Container {
  name: string;
  image?: string;
  imageNode: unknown;
  args: string[];
  argNodes: unknown[];
  command: string[];
  ports: ContainerPort[];
  env: EnvVar[];
  volumeMounts: { name: string; mountPath: string; subPath?: string; node: unknown }[];
  node: unknown;
}

export interface Volume {
  name: string;
  configMap?: { name: string; items: { key: string; path: string; node: unknown }[]; node: unknown };
}

export interface PodTemplate {
  object: K8sObject;
  namespace: string | undefined;
  labels: Record<string, string>;
  containers: Container[];
  volumes: Volume[];
  /** Where the template lives in the object: spec.template.spec for workloads, spec for a Pod. */
  specPath: string[];
}

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

function numberOf(node: unknown): number | undefined {
  const t = scalarText(node);
  return t !== undefined && /^\d+$/.test(t) ? Number(t) : undefined;
}

function readContainer(node: unknown): Container {
  const args = seqItems(at(node, ['args']));
  const command = seqItems(at(node, ['command']));
  return {
    name: textAt(node, ['name']) ?? '',
    image: textAt(node, ['image']),
    imageNode: at(node, ['image']),
    args: args.map((a) => scalarText(a) ?? ''),
    argNodes: args,
    command: command.map((a) => scalarText(a) ?? ''),
    ports: seqItems(at(node, ['ports'])).map((p) => ({
      ...(textAt(p, ['name']) ? { name: textAt(p, ['name']) } : {}),
      ...(numberOf(at(p, ['containerPort'])) !== undefined
        ? { containerPort: numberOf(at(p, ['containerPort'])) }
        : {}),
      node: p,
    })),
    env: seqItems(at(node, ['env'])).map((e) => {
      const ref = at(e, ['valueFrom', 'configMapKeyRef']);
      return {
        name: textAt(e, ['name']) ?? '',
        ...(textAt(e, ['value']) !== undefined ? { value: textAt(e, ['value']) } : {}),
        node: e,
        valueNode: at(e, ['value']),
        ...(ref
          ? {
              configMapKeyRef: {
                name: textAt(ref, ['name']) ?? '',
                key: textAt(ref, ['key']) ?? '',
                node: at(ref, ['key']) ?? ref,
              },
            }
          : {}),
      };
    }),
    volumeMounts: seqItems(at(node, ['volumeMounts'])).map((m) => ({
      name: textAt(m, ['name']) ?? '',
      mountPath: textAt(m, ['mountPath']) ?? '',
      ...(textAt(m, ['subPath']) ? { subPath: textAt(m, ['subPath']) } : {}),
      node: m,
    })),
    node,
  };
}

function readVolumes(spec: unknown): Volume[] {
  return seqItems(at(spec, ['volumes'])).map((v) => {
    const cm = at(v, ['configMap']);
    return {
      name: textAt(v, ['name']) ?? '',
      ...(cm
        ? {
            configMap: {
              name: textAt(cm, ['name']) ?? '',
              items: seqItems(at(cm, ['items'])).map((i) => ({
                key: textAt(i, ['key']) ?? '',
                path: textAt(i, ['path']) ?? '',
                node: at(i, ['key']) ?? i,
              })),
              node: cm,
            },
          }
        : {}),
    };
  });
}

export function podTemplates(ws: Workspace): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const object of ws.objects) {
    let specPath: string[];
    if (workloadKinds.has(object.kind)) specPath = ['spec', 'template', 'spec'];
    else if (object.kind === 'Pod') specPath = ['spec'];
    else continue;
    const spec = at(object.root, specPath);
    const labels = stringMap(
      at(object.root, object.kind === 'Pod' ? ['metadata', 'labels'] : ['spec', 'template', 'metadata', 'labels']),
    );
    out.push({
      object,
      namespace: object.namespace,
      labels,
      containers: seqItems(at(spec, ['containers'])).map(readContainer),
      volumes: readVolumes(spec),
      specPath,
    });
  }
  return out;
}

export interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  node: unknown;
  targetPortNode: unknown;
}

export interface Service {
  object: K8sObject;
  namespace: string | undefined;
  labels: Record<string, string>;
  selector: Record<string, string>;
  selectorNode: unknown;
  ports: ServicePort[];
  /** Set for the Service a collector chart values file makes (not a document in the files). */
  chart?: ChartValuesDocument;
}

export function services(ws: Workspace): Service[] {
  return ws.objects
    .filter((o) => o.kind === 'Service')
    .map((object) => ({
      object,
      namespace: object.namespace,
      labels: stringMap(at(object.root, ['metadata', 'labels'])),
      selector: stringMap(at(object.root, ['spec', 'selector'])),
      selectorNode: at(object.root, ['spec', 'selector']),
      ports: seqItems(at(object.root, ['spec', 'ports'])).map((p) => {
        const tp = at(p, ['targetPort']);
        const tpText = scalarText(tp);
        return {
          ...(textAt(p, ['name']) ? { name: textAt(p, ['name']) } : {}),
          ...(numberOf(at(p, ['port'])) !== undefined ? { port: numberOf(at(p, ['port'])) } : {}),
          ...(tpText !== undefined ? { targetPort: /^\d+$/.test(tpText) ? Number(tpText) : tpText } : {}),
          node: p,
          targetPortNode: tp,
        };
      }),
    }));
}

/** Namespaces match when equal, or when either is unset (applied with -n, or the default). */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

/** The Service an OTLP endpoint names, as a pod in `podNamespace` resolves it: svc.ns, or svc in its own namespace. */
export function serviceForTarget(
  services: Service[],
  target: { service: string; namespace: string | undefined },
  podNamespace: string | undefined,
): Service | undefined {
  return services.find(
    (s) =>
      s.object.name === target.service &&
      (target.namespace
        ? s.namespace === undefined || s.namespace === target.namespace
        : sameNamespace(s.namespace, podNamespace)),
  );
}

export function podsOf(service: Service, pods: PodTemplate[]): PodTemplate[] {
  return pods.filter((p) => sameNamespace(p.namespace, service.namespace) && selects(service.selector, p.labels));
}

/** The Service a cluster DNS name means: svc, svc.ns, svc.ns.svc, svc.ns.svc.<domain>; undefined for other names. */
export function serviceOfDnsName(host: string): { service: string; namespace: string | undefined } | undefined {
  const parts = host.split('.');
  if (parts.length > 2 && parts[2] !== 'svc') return undefined;
  return { service: parts[0] ?? '', namespace: parts[1] };
}

/** The OTLP endpoint's host as a cluster DNS name: svc, svc.ns, svc.ns.svc, svc.ns.svc.cluster.local. */
export function parseServiceUrl(
  value: string,
): { service: string; namespace: string | undefined; port: number | undefined; host: string } | undefined {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/:?#]+)(?::(\d+))?/i.exec(value.trim());
  if (!m?.[1]) return undefined;
  const host = m[1];
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host === 'localhost') return undefined;
  const svc = serviceOfDnsName(host);
  return svc && { ...svc, port: m[2] ? Number(m[2]) : undefined, host };
}
