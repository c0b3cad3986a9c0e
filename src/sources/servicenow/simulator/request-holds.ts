/** A request the simulator received and keeps waiting until the test lets it go on. */
export interface HeldRequest {
  method: string;
  path: string;
  /** Lets the request be handled (and answered, if its client is still there); resolves once it was. */
  release(): Promise<void>;
}

interface Waiting {
  method: string | undefined;
  path: string | undefined;
  resolve: (held: HeldRequest) => void;
}

/**
 * Holds chosen requests so a test can act at an exact point of a client's work (kill the client
 * while its write is in flight, let a second client in), without sleeping: `next()` resolves when
 * the request has arrived, and the request is handled only after `release()`.
 *
 * @example
 * const held = sim.holds.next({ method: "PATCH" });
 * … click …
 * const patch = await held;   // warden's write has reached the instance
 * child.kill("SIGKILL");
 * await patch.release();      // the instance applies it, as a real one would
 */
export class RequestHolds {
  readonly #waiting: Waiting[] = [];
  readonly #held = new Set<() => Promise<void>>();

  /** Holds the next request with this method and a path containing `path`; resolves when it arrives. */
  next(match: { method?: string; path?: string } = {}): Promise<HeldRequest> {
    return new Promise((resolve) => this.#waiting.push({ method: match.method, path: match.path, resolve }));
  }

  /**
   * For the server: when the request is to be held, `released` to await before handling it and
   * `handled` to call after; undefined when it is not held.
   */
  take(method: string, path: string): { released: Promise<void>; handled: () => void } | undefined {
    const index = this.#waiting.findIndex(
      (w) =>
        (w.method === undefined || w.method === method) && (w.path === undefined || path.includes(w.path)),
    );
    if (index < 0) return undefined;
    const [waiting] = this.#waiting.splice(index, 1);
    let handled = () => {};
    const done = new Promise<void>((resolve) => {
      handled = resolve;
    });
    const released = new Promise<void>((resolve) => {
      const release = () => {
        this.#held.delete(release);
        resolve();
        return done;
      };
      this.#held.add(release);
      waiting?.resolve({ method, path, release });
    });
    return { released, handled };
  }

  /** Lets every held request go on (the server closing). */
  releaseAll(): void {
    for (const release of [...this.#held]) void release();
  }
}
