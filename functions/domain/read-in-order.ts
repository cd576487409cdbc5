/**
 * `read` of every item, at most `concurrency` at once, results in the items' order; `onEach` after each one ends (in
 * the order they end). A throw from either stops what has not started and rejects with it.
 */
export async function readInOrder<Item, Result>(items: readonly Item[], concurrency: number, read: (item: Item) => Promise<Result>, onEach: (done: number) => void): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await read(items[index]!);
        done += 1;
        onEach(done);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
