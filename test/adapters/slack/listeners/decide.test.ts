import { describe, expect, it } from "vitest";
import { ACTION_IDS, ASSIGN_OWNER_ACTION_ID } from "../../../../src/actions/action-payload.js";
import { DECIDE_ACTION_PATTERN } from "../../../../src/adapters/slack/listeners/actions/decide.js";
import { REASON_MODAL_ACTION_IDS } from "../../../../src/adapters/slack/listeners/actions/open-reason-modal.js";

describe("the decision buttons' action_id pattern", () => {
  it("takes every button of the action ids table but Keep and Still needed, which open a modal first", () => {
    expect([...REASON_MODAL_ACTION_IDS].sort()).toEqual([ACTION_IDS.certify, ACTION_IDS.keep].sort());
    for (const [kind, id] of Object.entries(ACTION_IDS)) {
      expect(DECIDE_ACTION_PATTERN.test(id), id).toBe(kind !== "keep" && kind !== "certify");
    }
  });

  it("takes no other action_id, nor a look-alike of one", () => {
    for (const id of [ASSIGN_OWNER_ACTION_ID, "warden_disable_all", "xwarden_undo", "warden_", ""]) {
      expect(DECIDE_ACTION_PATTERN.test(id), id).toBe(false);
    }
  });
});
