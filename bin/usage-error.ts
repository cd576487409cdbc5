/** Said to the user: what is wrong and what to give instead (bin/irdr.ts prints it on stderr and exits 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A mistake the user can fix (a bad key file, a non-empty directory): say what to change, exit 2, no stack trace. */
export async function orUsageError<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    console.error(`irdr: ${(error as Error).message}`);
    process.exitCode = 2;
    return undefined;
  }
}

/** Any failure of `work` as a UsageError: its message said to the user, exit 2. */
export async function asUsageError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}
