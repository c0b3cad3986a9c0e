/**
 * What the fakes' `until()` is built on: checks re-run after every request a fake answers (an
 * event, not a poll), each bounded by a generous timeout for loaded CI machines.
 */
export function createCallWaiters() {
  const waiters = new Set<() => void>();
  return {
    /** Call after a request changed the fake's state. */
    wake(): void {
      for (const wake of [...waiters]) wake();
    },
    /** Resolves with `check()`'s first truthy value, checked now and after every request. */
    until<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 60_000): Promise<T> {
      return new Promise((resolve, reject) => {
        const done = () => {
          waiters.delete(wake);
          clearTimeout(timer);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const wake = () => {
          try {
            const value = check();
            if (value) {
              done();
              resolve(value);
            }
          } catch (error) {
            done();
            reject(error);
          }
        };
        waiters.add(wake);
        wake();
      });
    },
  };
}
