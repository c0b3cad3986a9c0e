import { describe, expect, it } from "vitest";
import {
  claimDecision,
  completeDecision,
  getDecision,
  recordDecisionBefore,
} from "../../src/store/decisions.js";
import { openDatabase } from "../../src/store/open-database.js";
import { tempDbPath } from "../helpers/temp-db.js";

const AT = new Date("2026-12-01T09:00:00Z");

describe("a decision's values before the write", () => {
  it("are recorded while the decision is pending, and refused once it was settled meanwhile", () => {
    const db = openDatabase(tempDbPath());
    const claim = (accountId: string) => {
      const claimed = claimDecision(db, {
        source: "servicenow",
        accountId,
        action: "disable",
        actorPlatform: "slack",
        actorId: "U1",
        actorEmail: "raj.patel@acme.example",
        decidedAt: AT,
        mode: "apply",
      });
      if (claimed.id === undefined) throw new Error("the account had a pending decision");
      return claimed.id;
    };
    const before = { active: true, lockedOut: false };

    const live = claim("a1");
    recordDecisionBefore(db, live, before);
    expect(getDecision(db, live)?.before).toEqual(before);

    // A start judged the slow click abandoned and settled it: the click must not go on to write.
    const slow = claim("a2");
    completeDecision(db, slow, { outcome: "failed", error: "interrupted" });
    expect(() => recordDecisionBefore(db, slow, before)).toThrow(
      expect.objectContaining({ code: "E_DECISION_SETTLED" }),
    );
    expect(getDecision(db, slow)).toMatchObject({ outcome: "failed", before: undefined });
    db.close();
  });
});
