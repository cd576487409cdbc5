import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';

/**
 * The run's one DynamoDB Local (tests/support/shared-dynamodb-local-setup.ts), once it answers, and a database of the
 * caller's own in it: what a front's `backendDatabase` or a stack's `sharedDynamoDbLocal` takes.
 */
export async function sharedDynamoDbLocal(): Promise<{ endpoint: string; database: string }> {
  const file = inject('sharedDynamoDbLocalFile');
  if (!file) throw new Error('no shared DynamoDB Local in this run: the run project starts it (tests/support/shared-dynamodb-local-setup.ts)');
  const deadline = Date.now() + 90_000;
  for (;;) {
    const written = await readFile(file, 'utf8').catch(() => '');
    if (written.startsWith('error: ')) throw new Error(`the shared DynamoDB Local did not start: ${written.slice('error: '.length)}`);
    if (written) return { endpoint: written, database: `db${randomUUID().replaceAll('-', '')}` };
    if (Date.now() > deadline) throw new Error('the shared DynamoDB Local did not answer within 90 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
