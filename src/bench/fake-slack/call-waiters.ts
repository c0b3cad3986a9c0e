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
    /**
     * Resolves with `check()`'s first truthy value, checked now and after every request. An async
     * check (a read of the database) runs one at a time; a request during it checks again after.
     */
    until<T>(check: () => Check<T> | Promise<Check<T>>, what: string, timeoutMs = 60_000): Promise<T> {
      return new Promise((resolve, reject) => {
        let running = false;
        let again = false;
        const done = () => {
          waiters.delete(wake);
          clearTimeout(timer);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const settle = (value: Check<T>) => {
          if (!value) return false;
          done();
          resolve(value);
          return true;
        };
        const fail = (error: unknown) => {
          done();
          reject(error);
        };
        function wake() {
          if (running) {
            again = true;
            return;
          }
          try {
            const value = check();
            if (!(value instanceof Promise)) {
              settle(value);
              return;
            }
            running = true;
            value.then((answer) => {
              running = false;
              if (!settle(answer) && again && waiters.has(wake)) {
                again = false;
                wake();
              }
            }, fail);
          } catch (error) {
            fail(error);
          }
        }
        waiters.add(wake);
        wake();
      });
    },
  };
}

type Check<T> = T | undefined | null | false;
