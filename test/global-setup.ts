import { execFileSync } from "node:child_process";

/**
 * Builds dist/ once before the tests that spawn the real `warden` binary (CLI and killed-scan
 * tests), so they exercise exactly what `npm start` and the Docker image run.
 */
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
