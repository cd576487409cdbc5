import { PublicAlias } from './continuity-statement-schema.js';

/** `Plan A` .. `Plan Z`, then `Plan AA`, ...: neutral names that say nothing about the plan. */
function generatedAlias(index: number): string {
  let letters = '';
  for (let rest = index + 1; rest > 0; rest = Math.floor((rest - 1) / 26)) letters = String.fromCharCode(65 + ((rest - 1) % 26)) + letters;
  return `Plan ${letters}`;
}

/**
 * Each plan's public alias: the configured one, unless it is not plain words, is a plan id, or contains one shaped like
 * an identifier (an alias must never carry an id); otherwise a generated one, given in plan-id order and never one a configured alias already took.
 */
export function publicAliases(planIds: readonly string[], configured: Readonly<Record<string, string>>): Map<string, string> {
  const ids = [...new Set(planIds)].sort();
  // An id that is a plain word (`orders`) may be a word of an alias; one shaped like an identifier (`orders-pitr`, `db2`) may not.
  const namesAnId = (alias: string) =>
    ids.some((id) => alias.toLowerCase() === id.toLowerCase() || (/[^A-Za-z]/.test(id) && alias.toLowerCase().includes(id.toLowerCase())));
  const aliases = new Map<string, string>();
  const taken = new Set<string>();
  for (const id of ids) {
    const wanted = configured[id];
    const parsed = wanted === undefined ? undefined : PublicAlias.safeParse(wanted);
    if (parsed?.success && !namesAnId(parsed.data) && !taken.has(parsed.data.toLowerCase())) {
      aliases.set(id, parsed.data);
      taken.add(parsed.data.toLowerCase());
    }
  }
  let next = 0;
  for (const id of ids) {
    if (aliases.has(id)) continue;
    while (taken.has(generatedAlias(next).toLowerCase())) next += 1;
    aliases.set(id, generatedAlias(next));
    taken.add(generatedAlias(next).toLowerCase());
  }
  return aliases;
}
