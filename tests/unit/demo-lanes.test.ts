import { describe, expect, it } from 'vitest';
import { runLanesInOrder, type Lane } from '../../local/cli/demo-lanes.js';

/** A promise and the hand that settles it, so the test decides which lane ends when. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

describe('the demo\'s lanes: side by side, printed whole and in order', () => {
  it('runs the lanes at once, yet prints each lane\'s lines together and the lanes in the given order, whichever ends first', async () => {
    const printed: string[] = [];
    const first = gate();
    const started: string[] = [];
    const lane = (name: string, until: Promise<void>) => async ({ print }: Lane) => {
      started.push(name);
      print(`${name} 1`);
      await until;
      print(`${name} 2`);
      return name;
    };
    const running = runLanesInOrder([lane('table', first.opened), lane('bucket', Promise.resolve()), lane('cluster', Promise.resolve())], (line) => printed.push(line));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // The later lanes have run to their end while the first still waits: only the first one's lines are out.
    expect(started).toEqual(['table', 'bucket', 'cluster']);
    expect(printed).toEqual(['table 1']);
    first.open();
    expect(await running).toEqual(['table', 'bucket', 'cluster']);
    expect(printed).toEqual(['table 1', 'table 2', 'bucket 1', 'bucket 2', 'cluster 1', 'cluster 2']);
  });

  it('a lane that fails lets the others run to their end and print, then rejects with its error', async () => {
    const printed: string[] = [];
    const last = gate();
    let lastEnded = false;
    const running = runLanesInOrder(
      [
        async ({ print }: Lane) => {
          print('table');
          throw new Error('the table lane broke');
        },
        async ({ print }: Lane) => {
          await last.opened;
          print('bucket');
          lastEnded = true;
        },
      ],
      (line) => printed.push(line),
    );
    let settled = false;
    void running.catch(() => undefined).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Not rejected while another lane still runs (the stack stays up under it).
    expect(settled).toBe(false);
    last.open();
    await expect(running).rejects.toThrow('the table lane broke');
    expect({ lastEnded, printed }).toEqual({ lastEnded: true, printed: ['table', 'bucket'] });
  });
});
