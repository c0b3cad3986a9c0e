import { describe, expect, it } from "vitest";
import { packPayload, unpackPayload } from "../../src/store/packed-payload.js";

const account = (n: number) => ({
  source: "servicenow",
  sourceKind: "servicenow",
  accountId: `a${n}`.padEnd(32, "0"),
  userName: `svc_import_${n}`,
  name: `Import integration ${n} "quoted" <b>`,
  active: true,
  findings: [
    {
      rule: "dormant",
      severity: "high",
      summary: `No API use or login for ${100 + n} days`,
      evidence: [{ signal: "api_calls", detail: "REST calls: none in the transaction log" }],
      remediation: "disable",
    },
  ],
  actions: ["disable", "keep", "not_mine"],
});

describe("outbox payloads at rest", () => {
  it("stores a large message in a fraction of its JSON and reads it back exactly", () => {
    const message = {
      owner: { email: "carol@acme.example" },
      accounts: Array.from({ length: 30 }, (_, n) => account(n)),
    };
    const stored = packPayload(message);
    expect(stored.length * 3).toBeLessThan(JSON.stringify(message).length);
    expect(unpackPayload(JSON.parse(stored))).toEqual(message);
  });

  it("keeps supersededBy readable by SQL beside the packed rest", () => {
    const message = {
      accounts: [account(1), account(2)],
      supersededBy: { outboxId: 7, sentAt: "2026-01-01T00:00:00.000Z" },
    };
    const stored = JSON.parse(packPayload(message)) as Record<string, unknown>;
    expect(stored.supersededBy).toEqual(message.supersededBy);
    expect(Object.keys(stored).sort()).toEqual(["supersededBy", "z1"]);
    expect(unpackPayload(stored)).toEqual(message);
  });

  it("leaves small messages and rows written before packing as plain JSON", () => {
    const update = { outboxId: 3 };
    expect(packPayload(update)).toBe(JSON.stringify(update));
    const old = { accounts: [account(1)], extra: "x".repeat(500) };
    expect(unpackPayload(old)).toBe(old);
  });

  it("says a packed payload that does not inflate is malformed", () => {
    expect(() => unpackPayload({ z1: "bm90IGRlZmxhdGVk" })).toThrow(
      expect.objectContaining({ code: "E_OUTBOX_MALFORMED" }),
    );
  });
});
