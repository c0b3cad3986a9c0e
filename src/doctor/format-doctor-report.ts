import type { DoctorReport } from "./doctor-types.js";

const LABEL = { pass: "PASS", warn: "WARN", fail: "FAIL" } as const;

/** Splits text into lines of at most `width` characters at spaces (long words stay whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "" || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * The report as an aligned plain-text table (STATUS, AREA, CHECK, DETAIL; details wrapped under
 * their column), then the blind spots and a final verdict line.
 */
export function formatDoctorReport(report: DoctorReport, options: { width?: number } = {}): string {
  const width = Math.max(options.width ?? 120, 60);
  const areaWidth = Math.max(4, ...report.checks.map((c) => c.area.length));
  const nameWidth = Math.max(5, ...report.checks.map((c) => c.name.length));
  const indent = 8 + areaWidth + 2 + nameWidth + 2;
  const detailWidth = Math.max(30, width - indent);
  const out: string[] = [];
  out.push(`${"STATUS".padEnd(8)}${"AREA".padEnd(areaWidth + 2)}${"CHECK".padEnd(nameWidth + 2)}DETAIL`);
  for (const check of report.checks) {
    const [first = "", ...rest] = wrap(check.detail, detailWidth);
    out.push(
      `${LABEL[check.status].padEnd(8)}${check.area.padEnd(areaWidth + 2)}${check.name.padEnd(nameWidth + 2)}${first}`,
    );
    for (const line of rest) out.push(`${" ".repeat(indent)}${line}`);
  }
  const { pass, warn, fail } = report.counts;
  out.push("");
  if (report.blindSpots.length > 0) {
    const signals = [...new Set(report.blindSpots.map((b) => `${b.signal} (${b.table})`))];
    out.push(`Blind spots on this instance: ${signals.join(", ")}.`);
  }
  const verdict =
    fail > 0
      ? "warden is NOT ready: fix the FAIL lines."
      : warn > 0
        ? "warden can run; review the WARN lines."
        : "warden is ready.";
  out.push(`${pass} passed, ${warn} warning(s), ${fail} failed: ${verdict}`);
  return out.join("\n");
}
