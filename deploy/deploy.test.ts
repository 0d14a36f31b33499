// The cluster files, checked offline (no Kubernetes cluster and no image registry here): the Kubernetes Job against
// the Kubernetes API's own schema (kubernetes-models: validators generated from Kubernetes' OpenAPI definitions), the
// Job's wiring to the CLI's exit codes and sharding, and what the container image relies on.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { init, parse } from 'es-module-lexer';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { EXIT } from '../models/batch/exit-codes';
import { chooseShard, projectPathFor } from '../models/batch/shard';

const ROOT = new URL('..', import.meta.url).pathname;
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

type JobSpec = {
  spec: {
    completions: number; parallelism: number; completionMode: string;
    podFailurePolicy: { rules: { action: string; onExitCodes?: { values: number[] } }[] };
    template: { spec: { restartPolicy: string; securityContext: { runAsNonRoot: boolean; runAsUser: number };
      containers: { args: string[]; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[]; securityContext: Record<string, unknown> }[];
      volumes: { name: string; persistentVolumeClaim?: { readOnly?: boolean } }[] } };
  };
};

function loadJob(text: string): unknown {
  const docs = parseAllDocuments(text);
  expect(docs).toHaveLength(1);
  expect(docs[0]!.errors).toEqual([]);
  return docs[0]!.toJS();
}

describe('deploy/kubernetes/paliscope-job.yaml', () => {
  const text = read('deploy/kubernetes/paliscope-job.yaml');

  it('is a valid batch/v1 Job by the Kubernetes schema', () => {
    const job = new Job(loadJob(text) as ConstructorParameters<typeof Job>[0]);
    expect(() => job.validate()).not.toThrow();
    // The validator does catch mistakes: a wrong enum value and a wrong type in the same file are refused.
    expect(() => new Job(loadJob(text.replace('completionMode: Indexed', 'completionMode: Index')) as ConstructorParameters<typeof Job>[0]).validate()).toThrow(/completionMode must be equal to one of the allowed values/);
    expect(() => new Job(loadJob(text.replace('completions: 4', 'completions: four')) as ConstructorParameters<typeof Job>[0]).validate()).toThrow(/completions must be integer/);
  });

  it('runs one shard per index, maps the CLI\'s exit codes, and mounts models read-only as a non-root user', () => {
    const { spec } = loadJob(text) as JobSpec;
    expect(spec.completionMode).toBe('Indexed');
    const [c] = spec.template.spec.containers;
    const args = c!.args;
    const shards = args[args.indexOf('--shards') + 1]!;
    expect(Number(shards)).toBe(spec.completions);
    expect(spec.parallelism).toBeLessThanOrEqual(spec.completions);
    // What the CLI makes of the last pod's environment.
    const last = chooseShard({ shards }, { JOB_COMPLETION_INDEX: String(spec.completions - 1) });
    expect(last.shard).toEqual({ index: spec.completions - 1, count: spec.completions });
    expect(projectPathFor(args[args.indexOf('--project') + 1]!, last.shard)).toBe(`/data/out/out-${spec.completions - 1}.paliscope`);
    const action = (code: number) => spec.podFailurePolicy.rules.find((r) => r.onExitCodes?.values.includes(code))?.action;
    expect([action(EXIT.transient), action(EXIT.usage), action(EXIT.failed)]).toEqual(['Ignore', 'FailJob', 'FailIndex']);
    expect(spec.template.spec.restartPolicy).toBe('Never');
    expect(spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(c!.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(c!.volumeMounts.find((m) => m.mountPath === '/models')).toMatchObject({ readOnly: true });
    expect(spec.template.spec.volumes.find((v) => v.name === 'models')!.persistentVolumeClaim).toMatchObject({ readOnly: true });
  });
});

describe('deploy/container/Containerfile', () => {
  const text = read('deploy/container/Containerfile');

  it('builds on Node 20, runs the CLI as a non-root user, with models from a read-only mount', () => {
    const from = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(from.length).toBeGreaterThan(0);
    for (const image of from) expect(image).toMatch(/^node:20[-.]/);
    const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe('node');
    expect(text).toMatch(/^ENTRYPOINT \["node", "\/app\/bin\/paliscope\.js"\]/m);
    expect(text).toMatch(/-v [^ ]+:\/models:ro/);
    expect(read('.dockerignore')).toMatch(/^node_modules$/m);
  });

  it('the built CLI needs only production dependencies (the image prunes the others)', async () => {
    const cli = join(ROOT, 'out', 'main', 'cli.js');
    if (!existsSync(cli)) {
      console.log('deploy.test.ts: the production-dependency check skipped: the CLI is not built (npm run build)');
      return;
    }
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const builtins = new Set(builtinModules);
    const bare = new Set<string>();
    const seen = new Set<string>();
    await init;
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const [imports] = parse(readFileSync(file, 'utf8'), file);
      for (const i of imports) {
        // Static imports and dynamic ones with a literal name (n is undefined for computed names).
        if (i.n === undefined) continue;
        if (i.n.startsWith('.')) walk(join(file, '..', i.n));
        else bare.add(i.n);
      }
    };
    walk(cli);
    expect(seen.size).toBeGreaterThan(5);
    const name = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    const outside = [...bare].filter((s) => !s.startsWith('node:') && !builtins.has(s) && !(name(s) in pkg.dependencies));
    expect(outside).toEqual([]);
  });
});
