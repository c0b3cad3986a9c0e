import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { startPostgresCluster } from "./helpers/postgres-cluster.js";

declare module "vitest" {
  interface ProvidedContext {
    /** The throwaway PostgreSQL cluster's superuser URL; each test file makes its own database. */
    postgresUrl: string;
  }
}

/**
 * Builds dist/ once before the tests that spawn the real `warden` binary (CLI and killed-scan
 * tests), so they exercise exactly what `npm start` and the Docker image run; and starts one
 * throwaway PostgreSQL cluster for the store tests that run against both databases.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
  const cluster = await startPostgresCluster();
  project.provide("postgresUrl", cluster.url);
  return () => cluster.stop();
}
