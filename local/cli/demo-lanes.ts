/** Where a lane of the demo prints its lines. */
export interface Lane {
  print(line: string): void;
}

/**
 * Runs the demo's lanes side by side (each a chain of drills on a resource of its own) and prints each lane whole, in
 * the order given: the first one live, each next one (what it buffered, then live) once those before it have ended.
 * Resolves with the lanes' results in that order once all have ended; rejects with the first lane's error in that order.
 */
export async function runLanesInOrder<T>(lanes: ReadonlyArray<(lane: Lane) => Promise<T>>, write: (line: string) => void = console.log): Promise<T[]> {
  const states = lanes.map(() => ({ live: false, buffered: [] as string[] }));
  // Each lane runs to its end whatever another does: the stack is not stopped under a running drill.
  const settled = lanes.map((run, index) => {
    const state = states[index]!;
    const lane: Lane = { print: (line) => (state.live ? write(line) : state.buffered.push(line)) };
    return Promise.resolve()
      .then(() => run(lane))
      .then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
  });
  const results: T[] = [];
  let failure: { error: unknown } | undefined;
  for (const [index, state] of states.entries()) {
    for (const line of state.buffered) write(line);
    state.buffered = [];
    state.live = true;
    const outcome = await settled[index]!;
    if (outcome.ok) results.push(outcome.value);
    else failure ??= { error: outcome.error };
  }
  if (failure) throw failure.error;
  return results;
}
