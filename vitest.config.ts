import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Integration tests start real HTTP servers and SQLite files; keep them deterministic, not parallel-heavy.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
