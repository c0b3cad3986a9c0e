import { describe, expect, it } from "vitest";
import { buildTicketRecord } from "../../src/tickets/build-ticket-record.js";

const request = {
  account: { userName: "svc_legacy_backup", name: "Legacy backup", sourceTitle: "ServiceNow" },
  findings: [
    {
      rule: "dormant",
      summary: "No API call or UI login for 212 days",
      evidence: [{ detail: "last API call 2026-04-30" }],
    },
  ],
  change: "Disable the account",
  requestedBy: "alice@acme.example",
  at: new Date("2026-11-23T10:02:00Z"),
  accountLink: "https://acme.service-now.com/sys_user.do?sys_id=abc",
};

describe("buildTicketRecord", () => {
  it("says what to change, on which account, who asked, and the evidence, with the configured fields", () => {
    const record = buildTicketRecord(request, { assignment_group: "Identity" });
    expect(record.assignment_group).toBe("Identity");
    expect(record.short_description).toBe("Disable the account: svc_legacy_backup (warden)");
    expect(record.description).toContain("Requested change: Disable the account");
    expect(record.description).toContain("Requested by: alice@acme.example, 2026-11-23 10:02 UTC");
    expect(record.description).toContain("Account: https://acme.service-now.com/sys_user.do?sys_id=abc");
    expect(record.description).toContain("- dormant: No API call or UI login for 212 days");
    expect(record.description).toContain("last API call 2026-04-30");
  });

  it("keeps the short description within the field's 160 characters", () => {
    const record = buildTicketRecord(
      { ...request, account: { ...request.account, userName: "x".repeat(300) } },
      {},
    );
    expect(record.short_description).toHaveLength(160);
    expect(record.short_description?.endsWith("…")).toBe(true);
  });
});
