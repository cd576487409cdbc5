/** Said to the user: what is wrong and what to give instead (bin/irdr.ts prints it on stderr and exits 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}
