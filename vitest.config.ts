import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Integration tests start real HTTP servers and SQLite files; keep them deterministic, not parallel-heavy.
    pool: "forks",
    // Generous: tests wait on events, and a test that spawns several warden processes must still
    // pass on a loaded two-core machine (the suite runs next to another copy of itself in CI checks).
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
