/**
 * Stands in for mnemonist's LRUCache in the Lambda bundles only (lib/lambda-bundle-trims.ts): the SDK's endpoint cache
 * (@aws-sdk/endpoint-cache, in every DynamoDB client) calls new, has, get, peek, set and clear of it, and mnemonist's
 * typed-array implementation with its iterator helpers is ~7 KB. A Map keeps insertion order: the least recently used
 * key is its first.
 */
export default class EndpointLruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value, its recency untouched. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}
