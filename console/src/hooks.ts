import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from './api.js';

export type Loaded<T> = { readonly state: 'loading' } | { readonly state: 'failed'; readonly message: string } | { readonly state: 'ready'; readonly value: T };

/** Loads once per change of `key`; `reload` asks again (after an action). */
export function useLoad<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setLoaded({ state: 'ready', value }),
      (error: unknown) => current && setLoaded({ state: 'failed', message: describeError(error) }),
    );
    return () => {
      current = false;
    };
  }, [key, round]);
  return [loaded, useCallback(() => setRound((value) => value + 1), [])];
}

/** The time now, renewed every second while mounted (for countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * A heading (tabIndex -1) to move the keyboard focus to after an action removed or disabled the control that had it:
 * else the focus drops to the document's start, and a keyboard user's next Tab begins again from the top.
 */
export function useFocusHeading() {
  const ref = useRef<HTMLHeadingElement>(null);
  return { ref, focus: () => ref.current?.focus() };
}

/**
 * Runs an action once at a time; its error shown until the next try. Its buttons say `aria-disabled` while it runs,
 * not `disabled`: the browser moves the focus off a control that becomes disabled, so a keyboard user would lose it.
 */
export function useAction(): { busy: boolean; error: string | undefined; run: (action: () => Promise<unknown>) => Promise<boolean> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const running = useRef(false);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    if (running.current) return false;
    running.current = true;
    setBusy(true);
    setError(undefined);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(describeError(failure));
      return false;
    } finally {
      running.current = false;
      setBusy(false);
    }
  };
  return { busy, error, run };
}
