import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { formatDoctorReport } from "../../src/doctor/format-doctor-report.js";
import { type DoctorReport, doctorExitCode } from "../../src/doctor/run-doctor.js";
import { runDoctorCommand } from "../../src/doctor/run-doctor-command.js";
import { silentLogger } from "../../src/logger.js";

const report = (statuses: Array<"pass" | "warn" | "fail">): DoctorReport => {
  const checks = statuses.map((status, i) => ({
    area: i % 2 === 0 ? ("config" as const) : ("servicenow" as const),
    name: `check number ${i}`,
    status,
    detail: `${status} detail ${"word ".repeat(40)}end`,
  }));
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const c of checks) counts[c.status]++;
  return { checks, blindSpots: [], counts, checkedAt: new Date("2026-11-23T02:00:00Z") };
};

describe("formatDoctorReport", () => {
  it("aligns the columns, wraps details under their column and ends with a verdict", () => {
    const text = formatDoctorReport(report(["pass", "warn", "fail"]), { width: 100 });
    const lines = text.split("\n");
    expect(lines[0]).toBe("STATUS  AREA        CHECK           DETAIL");
    const detailColumn = lines[0]!.indexOf("DETAIL");
    for (const line of lines.slice(1, -2)) {
      expect(line.length).toBeLessThanOrEqual(100);
      if (/^(PASS|WARN|FAIL) /.test(line))
        expect(line.slice(detailColumn)).toMatch(/^(pass|warn|fail) detail/);
      else expect(line.slice(0, detailColumn).trim()).toBe("");
    }
    expect(lines.filter((l) => /^FAIL {4}servicenow {2}check number 2 {3}fail detail/.test(l))).toHaveLength(
      0,
    );
    expect(lines.some((l) => l.startsWith("FAIL    config      check number 2  fail detail"))).toBe(true);
    expect(lines.at(-1)).toBe("1 passed, 1 warning(s), 1 failed: warden is NOT ready: fix the FAIL lines.");
  });

  it("says ready when all pass, and the exit code is 1 only on a failure", () => {
    expect(
      formatDoctorReport(report(["pass", "pass"]))
        .split("\n")
        .at(-1),
    ).toBe("2 passed, 0 warning(s), 0 failed: warden is ready.");
    expect(doctorExitCode(report(["pass", "warn"]))).toBe(0);
    expect(doctorExitCode(report(["pass", "warn", "fail"]))).toBe(1);
  });
});

describe("runDoctorCommand", () => {
  it("checks the built-in simulated instance when SERVICENOW_URL is unset", async () => {
    const printed: string[] = [];
    const code = await runDoctorCommand(loadConfig({}), {
      print: (t) => printed.push(t),
      logger: silentLogger,
      now: () => new Date("2026-11-23T02:00:00Z"),
    });
    const text = printed.join("\n");
    expect(text.replace(/\s+/g, " ")).toContain(
      "the built-in simulated instance (SERVICENOW_URL is not set;",
    );
    expect(text).toMatch(/^PASS\s+servicenow\s+reach instance/m);
    expect(text).toMatch(/^PASS\s+servicenow\s+authentication\s+Built-in demo account/m);
    expect(text).toMatch(/^PASS\s+servicenow\s+bot account\s+Not applicable/m);
    expect(text).not.toContain("warden-demo");
    expect(code).toBe(0);
  });

  it("prints JSON with --json", async () => {
    const printed: string[] = [];
    await runDoctorCommand(loadConfig({}), {
      print: (t) => printed.push(t),
      logger: silentLogger,
      json: true,
    });
    const parsed = JSON.parse(printed.join("")) as DoctorReport;
    expect(parsed.checks.length).toBeGreaterThan(5);
    expect(parsed.counts.fail).toBe(0);
  });
});
