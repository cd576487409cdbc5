/*
 * Where to cut a prefix too large to list at planning time (a flat prefix of millions of keys, or a few huge folders):
 * S3 lists only forwards, but StartAfter jumps anywhere, so "the first key after X" (one ListObjectsV2 of one key) is
 * a probe into the whole key space. The prefix is walked as a trie of key characters: a node's children are the
 * distinct characters that follow it in some key, each found by one probe (StartAfter = node + child + the highest
 * character), and a node with one child is skipped to its keys' common prefix by binary search. Levels are expanded
 * until there are enough nodes to cut evenly among (as partitionBoundaries cuts among folders), or the probes run out.
 * Correctness never rests on the probes: a range is (after, through] between any strictly increasing strings, so a
 * badly placed cut only makes one range longer. Pure: the probe is passed in.
 */

/** The first key under `prefix` strictly after `after` (from the prefix's first key when absent); undefined: none. */
export type FirstKeyAfter = (prefix: string, after: string | undefined) => Promise<string | undefined>;

/** Above every character a key can hold (U+10FFFF, the highest code point, last in UTF-8 byte order too). */
const HIGHEST = '\u{10FFFF}';
/** Probes one planning may spend: at ~20-50 ms each in S3, nodes probed 16 at once, a few seconds of Plan validation. */
export const MAX_KEY_SPACE_PROBES = 512;
/** Nodes wanted per range: cutting among several nodes a range evens out nodes of unequal size. */
export const NODES_PER_RANGE = 4;
/** Nodes probed at once. */
const PARALLEL_NODES = 16;

/** Probes spent so far, shared by every walk of one planning. */
interface Budget {
  left: number;
}

async function probe(first: FirstKeyAfter, budget: Budget, prefix: string, after: string | undefined): Promise<string | undefined> {
  if (budget.left <= 0) throw new ProbesSpent();
  budget.left -= 1;
  return first(prefix, after);
}

class ProbesSpent extends Error {}

/** The string's first `length` UTF-16 units, never ending in half a surrogate pair. */
const headOf = (key: string, length: number): string => (length > 0 && /[\uD800-\uDBFF]/.test(key[length - 1]!) ? key.slice(0, length - 1) : key.slice(0, length));

/**
 * The longest prefix every key under `node` shares, by binary search on the length of the first key's prefixes: all
 * keys share `head` when no key under the node lies after `head` + the highest character.
 */
async function commonHead(first: FirstKeyAfter, budget: Budget, node: string, firstKey: string): Promise<string> {
  let shared = node.length;
  let unsure = firstKey.length;
  while (shared < unsure) {
    const middle = Math.ceil((shared + unsure) / 2);
    const head = headOf(firstKey, middle);
    if (head.length <= shared) break;
    if ((await probe(first, budget, node, head + HIGHEST)) === undefined) shared = head.length;
    else unsure = head.length - 1;
  }
  return headOf(firstKey, shared);
}

/** The next nodes below `node`: one per distinct character following it in some key (the node itself may be a key too). */
async function childrenOf(first: FirstKeyAfter, budget: Budget, node: string): Promise<string[]> {
  const children: string[] = [];
  let key = await probe(first, budget, node, undefined);
  if (key === node) key = await probe(first, budget, node, node);
  while (key !== undefined) {
    const child = node + String.fromCodePoint(key.codePointAt(node.length)!);
    // A key holding U+10FFFF right after the child's character lands here again: step past the key itself.
    const after = children.at(-1) === child ? key : child + HIGHEST;
    if (children.at(-1) !== child) children.push(child);
    key = await probe(first, budget, node, after);
  }
  return children;
}

/** A node with one child walks on to what all its keys share; others stay. */
async function settled(first: FirstKeyAfter, budget: Budget, node: string): Promise<string[]> {
  const children = await childrenOf(first, budget, node);
  if (children.length !== 1) return children.length === 0 ? [node] : children;
  const firstKey = await probe(first, budget, children[0]!, undefined);
  return [firstKey === undefined ? children[0]! : await commonHead(first, budget, children[0]!, firstKey)];
}

/**
 * Nodes of the prefix's key trie, in key order, at the deepest level that fits the probes, stopping once there are
 * `wanted`: the keys under each node lie together, so cutting at nodes cuts the whole key space, not its first pages.
 */
export async function keySpaceNodes(first: FirstKeyAfter, prefix: string, wanted: number, maxProbes = MAX_KEY_SPACE_PROBES): Promise<string[]> {
  const budget: Budget = { left: maxProbes };
  // The deepest level walked whole: probes running out in the middle of the next leave it as it is.
  let level: string[] = [];
  try {
    const firstKey = await probe(first, budget, prefix, undefined);
    if (firstKey === undefined) return [];
    level = [await commonHead(first, budget, prefix, firstKey)];
    let perNode = 2;
    while (level.length < wanted) {
      // A level expanded in part would cut its left finely and its right coarsely: expand one only if it likely fits.
      if (level.length * (perNode + 1) > budget.left) break;
      const spentBefore = budget.left;
      const next: string[][] = [];
      for (let start = 0; start < level.length; start += PARALLEL_NODES) next.push(...(await Promise.all(level.slice(start, start + PARALLEL_NODES).map((node) => settled(first, budget, node)))));
      const expanded = next.flat();
      perNode = Math.ceil((spentBefore - budget.left) / level.length);
      // Every node a leaf (a key no other key extends): nothing deeper to cut at.
      if (expanded.length === level.length && expanded.every((node, index) => node === level[index])) break;
      level = expanded;
    }
    return level;
  } catch (error) {
    if (error instanceof ProbesSpent) return level;
    throw error;
  }
}
