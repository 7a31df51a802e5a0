import { strict as assert } from 'node:assert';
import {
  adviceFor,
  podProblems,
  rolloutStatus,
  selectorString,
  StuckTracker,
  type DeploymentLike,
} from '../../src/core/kube/rollout';

function deployment(
  spec: { replicas?: number; generation?: number },
  status: NonNullable<DeploymentLike['status']>,
): DeploymentLike {
  return {
    metadata: { name: 'app', generation: spec.generation ?? 1 },
    spec: { ...(spec.replicas !== undefined ? { replicas: spec.replicas } : {}) },
    status,
  };
}

describe('rollout status, as kubectl rollout status decides it', () => {
  it('waits until the controller has seen the new generation', () => {
    const s = rolloutStatus(
      deployment(
        { replicas: 2, generation: 2 },
        { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
      ),
    );
    assert.equal(s.state, 'progressing');
    assert.match(s.message, /spec update to be observed/);
  });

  it('waits for updated, then old replicas to go, then availability', () => {
    assert.match(
      rolloutStatus(deployment({ replicas: 2 }, { observedGeneration: 1, replicas: 2, updatedReplicas: 1 })).message,
      /1 out of 2 new replicas have been updated/,
    );
    assert.match(
      rolloutStatus(
        deployment({ replicas: 2 }, { observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 }),
      ).message,
      /1 old replicas are pending termination/,
    );
    assert.match(
      rolloutStatus(
        deployment(
          { replicas: 2 },
          { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1, readyReplicas: 1 },
        ),
      ).message,
      /1 of 2 updated replicas are available/,
    );
  });

  it('is complete when every replica is updated and available', () => {
    const s = rolloutStatus(
      deployment(
        { replicas: 2 },
        { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 },
      ),
    );
    assert.equal(s.state, 'complete');
    assert.deepEqual([s.desired, s.updated, s.ready, s.available], [2, 2, 2, 2]);
  });

  it('fails on ProgressDeadlineExceeded', () => {
    const s = rolloutStatus(
      deployment(
        { replicas: 1 },
        {
          observedGeneration: 1,
          replicas: 1,
          updatedReplicas: 1,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: 'ReplicaSet "app-1" has timed out progressing.',
            },
          ],
        },
      ),
    );
    assert.equal(s.state, 'failed');
    assert.match(s.message, /progress deadline.*timed out/);
  });
});

describe('pod dead ends', () => {
  it('finds image pull, crash loop and config errors, with advice', () => {
    const pod = {
      metadata: { name: 'p1' },
      status: {
        containerStatuses: [
          {
            name: 'app',
            state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:1"' } },
          },
          { name: 'side', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } } },
          { name: 'ok', state: { waiting: { reason: 'ContainerCreating' } } },
        ],
        initContainerStatuses: [
          {
            name: 'init',
            state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "x" not found' } },
          },
        ],
      },
    };
    assert.deepEqual(
      podProblems(pod).map((p) => [p.container, p.reason]),
      [
        ['init', 'CreateContainerConfigError'],
        ['app', 'ImagePullBackOff'],
        ['side', 'CrashLoopBackOff'],
      ],
    );
    assert.match(adviceFor('ImagePullBackOff'), /image name and tag/);
    assert.match(adviceFor('CreateContainerConfigError'), /ConfigMap, Secret/);
  });

  it('finds an unschedulable pod, and ignores one being deleted', () => {
    const conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
      },
    ];
    assert.deepEqual(
      podProblems({ metadata: { name: 'p' }, status: { conditions } }).map((p) => p.reason),
      ['Unschedulable'],
    );
    assert.deepEqual(
      podProblems({ metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { conditions } }),
      [],
    );
  });

  it('declares a problem stuck only after it lasted the grace period, and forgets cleared ones', () => {
    const t = new StuckTracker(5000);
    const p = { pod: 'a', container: 'c', reason: 'ErrImagePull', message: '' };
    assert.deepEqual(t.update([p], 0), []);
    // ErrImagePull and ImagePullBackOff alternate: one problem.
    assert.deepEqual(t.update([{ ...p, reason: 'ImagePullBackOff' }], 3000), []);
    assert.equal(t.update([p], 5000).length, 1);
    assert.deepEqual(t.update([], 6000), []);
    assert.deepEqual(t.update([p], 7000), []);
  });
});

describe('label selectors', () => {
  it('writes matchLabels and matchExpressions as the API query', () => {
    assert.equal(
      selectorString({
        matchLabels: { app: 'x', tier: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['a', 'b'] },
          { key: 'gone', operator: 'DoesNotExist' },
          { key: 'has', operator: 'Exists' },
          { key: 'no', operator: 'NotIn', values: ['c'] },
        ],
      }),
      'app=x,tier=web,env in (a,b),!gone,has,no notin (c)',
    );
    assert.equal(selectorString(undefined), '');
  });
});
