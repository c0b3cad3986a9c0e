import { describe, expect, it } from "vitest";
import {
  findPersonalRef,
  getConversationRef,
  listTeamRefs,
  saveConversationRef,
} from "../../src/store/conversation-refs.js";
import { openTempDb } from "../helpers/demo-source.js";

const AT = new Date("2026-11-23T10:00:00Z");
const LATER = new Date("2026-11-24T10:00:00Z");

const channel = (conversationId: string, teamId: string, serviceUrl = "https://smba.one/") => ({
  platform: "teams",
  conversationId,
  kind: "channel" as const,
  userId: undefined,
  aadObjectId: undefined,
  teamId,
  tenantId: "tenant-1",
  serviceUrl,
  reference: { serviceUrl, conversation: { id: conversationId } },
});

describe("conversation references", () => {
  it("finds a personal conversation by AAD object id or user id, and channels by id", () => {
    const db = openTempDb();
    saveConversationRef(
      db,
      {
        platform: "teams",
        conversationId: "a:1dm",
        kind: "personal",
        userId: "29:raj",
        aadObjectId: "aad-raj",
        teamId: undefined,
        tenantId: "tenant-1",
        serviceUrl: "https://smba.one/",
        reference: { conversation: { id: "a:1dm" } },
      },
      AT,
    );
    saveConversationRef(db, channel("19:general@thread.tacv2", "19:general@thread.tacv2"), AT);
    expect(findPersonalRef(db, "teams", { aadObjectId: "aad-raj" })?.conversationId).toBe("a:1dm");
    expect(findPersonalRef(db, "teams", { userId: "29:raj" })?.conversationId).toBe("a:1dm");
    expect(findPersonalRef(db, "teams", { aadObjectId: "someone-else" })).toBeUndefined();
    expect(getConversationRef(db, "teams", "19:general@thread.tacv2")?.kind).toBe("channel");
    expect(listTeamRefs(db, "teams").map((r) => r.teamId)).toEqual(["19:general@thread.tacv2"]);
  });

  it("refreshes the service URL of every reference of the tenant when it changes", () => {
    const db = openTempDb();
    saveConversationRef(db, channel("19:a@thread.tacv2", "team-a"), AT);
    saveConversationRef(db, channel("19:b@thread.tacv2", "team-b"), AT);
    saveConversationRef(db, channel("19:a@thread.tacv2", "team-a", "https://smba.two/"), LATER);
    const b = getConversationRef(db, "teams", "19:b@thread.tacv2");
    expect(b?.serviceUrl).toBe("https://smba.two/");
    expect(b?.reference.serviceUrl).toBe("https://smba.two/");
    expect(listTeamRefs(db, "teams").map((r) => r.teamId)).toEqual(["team-a", "team-b"]);
  });
});
