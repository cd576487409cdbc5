import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoDbOnFreePort, type RunningDynamoDb } from '../../local/dynamodb/servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's shared DynamoDB Local writes its endpoint once it answers (tests/integration/support/shared-dynamodb-local.ts). */
    sharedDynamoDbLocalFile?: string;
  }
}

/**
 * Global setup: one DynamoDB Local (a JVM, ~2.2 CPU-s to start) for the files that run stacks and fronts over it in
 * memory, each in a database of its own (Backend's access-key prefix), rather than one JVM a file. Started without
 * holding up the run; its endpoint is written to a file when it answers, and the files that use it wait for that. A
 * run that ends before it answered kills it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = await mkdtemp(join(tmpdir(), 'irdr-shared-dynamodb-local-'));
  const file = join(folder, 'endpoint');
  const unneeded = new AbortController();
  const started: Promise<RunningDynamoDb | Error> = startDynamoDbOnFreePort({ backend: 'local', host: '127.0.0.1', signal: unneeded.signal }).then(
    async (running) => {
      await writeFile(file, running.endpoint);
      return running;
    },
    async (error: unknown) => {
      // The files that wait for it say why, rather than waiting out their timeout.
      await writeFile(file, `error: ${(error as Error).message}`);
      return error as Error;
    },
  );
  project.provide('sharedDynamoDbLocalFile', file);
  return async () => {
    // A run over before the jar answered (a few unit files) does not wait for it to start only to stop it.
    unneeded.abort();
    const running = await started;
    if (!(running instanceof Error)) await running.stop();
    await rm(folder, { recursive: true, force: true });
  };
}
