import { describe, expect, it } from "vitest";
import {
  forgetChatUser,
  forgetChatUserEmail,
  getCachedChatUser,
  getChatUserEmail,
  getChatUserId,
  saveChatUser,
  saveDmChannel,
} from "../../src/store/chat-users.js";
import { openTempDb } from "../helpers/demo-source.js";

const AT = new Date("2026-11-23T10:00:00Z");
const HOUR = 3_600_000;
const at = (hours: number) => ({ now: new Date(AT.getTime() + hours * HOUR), maxAgeMs: 24 * HOUR });

describe("chat user cache", () => {
  it("answers while younger than its lifetime, then not at all", () => {
    const db = openTempDb();
    saveChatUser(db, "slack", "Raj.Patel@ACME.example", "URAJ", AT);
    expect(getChatUserEmail(db, "slack", "URAJ", at(23.9))).toBe("raj.patel@acme.example");
    expect(getChatUserId(db, "slack", "raj.patel@acme.example", at(23.9))).toBe("URAJ");
    expect(getChatUserEmail(db, "slack", "URAJ", at(24))).toBeUndefined();
    expect(getChatUserId(db, "slack", "RAJ.PATEL@acme.example", at(24))).toBeUndefined();
    // "Not found" answers expire too: the person may have joined since.
    saveChatUser(db, "slack", "vera.novak@acme.example", null, AT);
    expect(getChatUserId(db, "slack", "vera.novak@acme.example", at(1))).toBeNull();
    expect(getChatUserId(db, "slack", "vera.novak@acme.example", at(25))).toBeUndefined();
  });

  it("keys by the normalised email: a lookalike is another key, an invalid email none", () => {
    const db = openTempDb();
    saveChatUser(db, "slack", "james.okafor@acme.example", "UJAMES", AT);
    expect(getChatUserId(db, "slack", "james.o\u212Aafor@acme.example", at(0))).toBeUndefined();
    saveChatUser(db, "slack", "not-an-email", "UX", AT);
    expect(getChatUserEmail(db, "slack", "UX", at(0))).toBeUndefined();
  });

  it("a user's new email stops the old one resolving to them, even while the old entry is young", () => {
    const db = openTempDb();
    saveChatUser(db, "teams", "raj.patel@acme.example", "29:raj", AT);
    saveChatUser(db, "teams", "raj.patel.new@acme.example", "29:raj", new Date(AT.getTime() + HOUR));
    expect(getChatUserId(db, "teams", "raj.patel@acme.example", at(1))).toBeUndefined();
    expect(getChatUserEmail(db, "teams", "29:raj", at(1))).toBe("raj.patel.new@acme.example");
    // Other users and platforms are untouched.
    saveChatUser(db, "slack", "raj.patel@acme.example", "URAJ", AT);
    saveChatUser(db, "teams", "james.okafor@acme.example", "29:james", AT);
    forgetChatUser(db, "teams", "29:raj");
    expect(getChatUserEmail(db, "teams", "29:raj", at(1))).toBeUndefined();
    expect(getChatUserId(db, "teams", "raj.patel.new@acme.example", at(1))).toBeUndefined();
    expect(getChatUserId(db, "slack", "raj.patel@acme.example", at(1))).toBe("URAJ");
    expect(getChatUserId(db, "teams", "james.okafor@acme.example", at(1))).toBe("29:james");
  });

  it("keeps a user's DM channel with their user id: an email that moves to another user has none yet", () => {
    const db = openTempDb();
    saveChatUser(db, "slack", "raj.patel@acme.example", "URAJ", AT);
    saveDmChannel(db, "slack", "URAJ", "DRAJ", AT);
    expect(getCachedChatUser(db, "slack", "Raj.Patel@acme.example")).toEqual({
      userId: "URAJ",
      dmChannel: "DRAJ",
      resolvedAt: AT,
    });
    // Looked up again later and found the same user: the channel stays.
    const later = new Date(AT.getTime() + 40 * 24 * HOUR);
    saveChatUser(db, "slack", "raj.patel@acme.example", "URAJ", later);
    expect(getCachedChatUser(db, "slack", "raj.patel@acme.example")).toMatchObject({ dmChannel: "DRAJ" });
    // The account was replaced: the email is another user's, whose DM is not open yet.
    saveChatUser(db, "slack", "raj.patel@acme.example", "URAJ2", later);
    expect(getCachedChatUser(db, "slack", "raj.patel@acme.example")).toMatchObject({
      userId: "URAJ2",
      dmChannel: undefined,
    });
  });

  it("forgets an email and its user's DM channel when a post to them is refused, and nothing else", () => {
    const db = openTempDb();
    saveChatUser(db, "slack", "raj.patel@acme.example", "URAJ", AT);
    saveDmChannel(db, "slack", "URAJ", "DRAJ", AT);
    saveChatUser(db, "slack", "james.okafor@acme.example", "UJAMES", AT);
    saveDmChannel(db, "slack", "UJAMES", "DJAMES", AT);
    forgetChatUserEmail(db, "slack", "RAJ.patel@acme.example");
    expect(getCachedChatUser(db, "slack", "raj.patel@acme.example")).toBeUndefined();
    // Raj is looked up again and found as the same user: the DM is opened again, not reused.
    saveChatUser(db, "slack", "raj.patel@acme.example", "URAJ", AT);
    expect(getCachedChatUser(db, "slack", "raj.patel@acme.example")?.dmChannel).toBeUndefined();
    expect(getCachedChatUser(db, "slack", "james.okafor@acme.example")?.dmChannel).toBe("DJAMES");
  });
});
