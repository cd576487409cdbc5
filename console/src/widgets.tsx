import type { ComponentChildren } from 'preact';
import type { Loaded } from './hooks.js';

/** What a page shows while it loads or after the API refused: the refusal in the API's words, announced. */
export function Loading<T>({ loaded, children }: { loaded: Loaded<T>; children: (value: T) => ComponentChildren }) {
  if (loaded.state === 'loading') return <p aria-busy="true">Loading…</p>;
  if (loaded.state === 'failed') return <p role="alert" class="error">{loaded.message}</p>;
  return <>{children(loaded.value)}</>;
}

export const ErrorLine = ({ error }: { error: string | undefined }) => (error ? <p role="alert" class="error">{error}</p> : null);

export const Badge = ({ text, tone }: { text: string; tone?: string }) => <span class={`badge ${tone ?? text.toLowerCase()}`}>{text}</span>;
