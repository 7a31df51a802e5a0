// A real collector (harness-built) standing behind a Service in the real control plane, as the
// opentelemetry-collector chart publishes it: a Deployment whose pod kwok runs, the chart's
// telemetry port (ports.metrics: containerPort 8888) on a Service, and a kwok ClusterPortForward
// that carries the pod's 8888 to the collector's own telemetry port on this machine. A forward to
// the Service then reads the collector's figures, as it would in a student's cluster.

/** A collector config: OTLP/HTTP in on `otlpHttp`, the debug exporter out, its own figures on `telemetry`. */
export function telemetryCollectorConfig(otlpHttp: number, telemetry: number): string {
  return `receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpHttp}
exporters:
  debug: {}
service:
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: ${telemetry}
  pipelines:
    metrics:
      receivers: [otlp]
      exporters: [debug]
`;
}

/**
 * The namespace, Deployment and Service `otel-collector` (port 8888, named metrics), and the
 * ClusterPortForward `forward` to 127.0.0.1:`telemetry`; for `kubectl apply -f -`.
 */
export function collectorBehindService(namespace: string, forward: string, version: string, telemetry: number): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: otel-collector, namespace: ${namespace}}
spec:
  replicas: 1
  selector: {matchLabels: {app: otel-collector}}
  template:
    metadata: {labels: {app: otel-collector}}
    spec:
      containers:
        - name: otel-collector
          image: example.invalid/otelcol-contrib:${version}
          ports: [{name: metrics, containerPort: 8888}]
---
apiVersion: v1
kind: Service
metadata: {name: otel-collector, namespace: ${namespace}}
spec:
  selector: {app: otel-collector}
  ports: [{name: metrics, port: 8888, targetPort: metrics}]
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata: {name: ${forward}}
spec:
  selector: {matchNamespaces: [${namespace}]}
  forwards:
    - ports: [8888]
      target: {address: 127.0.0.1, port: ${telemetry}}
`;
}
