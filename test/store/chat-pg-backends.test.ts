import { afterEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/errors.js";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";

const AT = new Date("2026-11-23T10:00:00Z");
const HOUR = 3_600_000;
const LATER = new Date(AT.getTime() + HOUR);
const fresh = (hours: number) => ({ now: new Date(AT.getTime() + hours * HOUR), maxAgeMs: 24 * HOUR });

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

describe.each(STORE_BACKENDS)(
  "chat users, conversations, digests and owner assignments on $name",
  (backend) => {
    let database: BackendDatabase | undefined;
    afterEach(async () => {
      await database?.close();
      database = undefined;
    });
    async function two(): Promise<[Store, Store]> {
      database = await backend.database();
      return [await database.connect(), await database.connect()];
    }

    it("caches a chat user by normalised email while young, and moves a user's email when it changes", async () => {
      const [store] = await two();
      const users = store.chatUsers;
      await users.saveChatUser("slack", "Raj.Patel@ACME.example", "URAJ", AT);
      expect(await users.getChatUserEmail("slack", "URAJ", fresh(23.9))).toBe("raj.patel@acme.example");
      expect(await users.getChatUserId("slack", "raj.patel@acme.example", fresh(23.9))).toBe("URAJ");
      expect(await users.getChatUserId("slack", "raj.patel@acme.example", fresh(24))).toBeUndefined();
      expect(await users.chatUserCacheExpiresAt("slack", "raj.patel@acme.example", 24 * HOUR)).toEqual(
        new Date(AT.getTime() + 24 * HOUR),
      );
      await users.saveChatUser("slack", "vera.novak@acme.example", null, AT);
      expect(await users.getChatUserId("slack", "vera.novak@acme.example", fresh(1))).toBeNull();
      await users.saveChatUser("slack", "not-an-email", "UX", AT);
      expect(await users.getChatUserEmail("slack", "UX", fresh(0))).toBeUndefined();

      await users.saveChatUser("slack", "raj.patel.new@acme.example", "URAJ", LATER);
      expect(await users.getChatUserId("slack", "raj.patel@acme.example", fresh(1))).toBeUndefined();
      expect(await users.getChatUserEmail("slack", "URAJ", fresh(1))).toBe("raj.patel.new@acme.example");
    });

    it("keeps one current email for a user whose two emails are saved by two connections at once", async () => {
      const [a, b] = await two();
      for (let round = 0; round < 5; round += 1) {
        await Promise.all([
          a.chatUsers.saveChatUser("teams", `raj.${round}.a@acme.example`, "29:raj", AT),
          b.chatUsers.saveChatUser("teams", `raj.${round}.b@acme.example`, "29:raj", AT),
        ]);
        const resolving = [];
        for (const side of ["a", "b"]) {
          const id = await a.chatUsers.getChatUserId("teams", `raj.${round}.${side}@acme.example`, fresh(0));
          if (id === "29:raj") resolving.push(side);
        }
        expect(resolving).toHaveLength(1);
      }
    });

    it("keeps a DM channel with its user, and forgets an email with its channel", async () => {
      const [store] = await two();
      const users = store.chatUsers;
      await users.saveChatUser("slack", "raj.patel@acme.example", "URAJ", AT);
      await users.saveDmChannel("slack", "URAJ", "DRAJ", AT);
      await users.saveChatUser("slack", "james.okafor@acme.example", "UJAMES", AT);
      await users.saveDmChannel("slack", "UJAMES", "DJAMES", AT);
      expect(await users.getCachedChatUser("slack", "Raj.Patel@acme.example")).toEqual({
        userId: "URAJ",
        dmChannel: "DRAJ",
        resolvedAt: AT,
      });
      await users.saveChatUser("slack", "raj.patel@acme.example", "URAJ2", LATER);
      expect(await users.getCachedChatUser("slack", "raj.patel@acme.example")).toMatchObject({
        userId: "URAJ2",
        dmChannel: undefined,
      });
      await users.forgetChatUserEmail("slack", "james.okafor@acme.example");
      expect(await users.getCachedChatUser("slack", "james.okafor@acme.example")).toBeUndefined();
      expect(await users.getCachedChatUser("slack", "raj.patel@acme.example")).toMatchObject({
        userId: "URAJ2",
      });
      await users.forgetChatUser("slack", "URAJ2");
      expect(await users.getChatUserEmail("slack", "URAJ2", fresh(1))).toBeUndefined();
    });

    it("remembers a time zone and changes it only when it changes", async () => {
      const [store] = await two();
      expect(await store.chatUsers.getUserTimeZone("slack", "URAJ")).toBeUndefined();
      await store.chatUsers.saveUserTimeZone("slack", "URAJ", "Europe/Paris", AT);
      await store.chatUsers.saveUserTimeZone("slack", "URAJ", "Europe/Paris", LATER);
      await store.chatUsers.saveUserTimeZone("teams", "URAJ", "Asia/Tokyo", AT);
      expect(await store.chatUsers.getUserTimeZone("slack", "URAJ")).toBe("Europe/Paris");
      await store.chatUsers.saveUserTimeZone("slack", "URAJ", "America/New_York", LATER);
      expect(await store.chatUsers.getUserTimeZone("slack", "URAJ")).toBe("America/New_York");
      expect(await store.chatUsers.getUserTimeZone("teams", "URAJ")).toBe("Asia/Tokyo");
    });

    it("finds conversations, and moves a tenant's service URL everywhere, also when two saves race", async () => {
      const [a, b] = await two();
      await a.conversations.saveConversationRef(
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
      await a.conversations.saveConversationRef(channel("19:a@thread.tacv2", "team-a"), AT);
      await a.conversations.saveConversationRef(channel("19:b@thread.tacv2", "team-b"), AT);
      expect(
        (await b.conversations.findPersonalRef("teams", { aadObjectId: "aad-raj" }))?.conversationId,
      ).toBe("a:1dm");
      expect((await b.conversations.findPersonalRef("teams", { userId: "29:raj" }))?.conversationId).toBe(
        "a:1dm",
      );
      expect(await b.conversations.findPersonalRef("teams", { aadObjectId: "someone-else" })).toBeUndefined();
      expect((await b.conversations.getConversationRef("teams", "19:a@thread.tacv2"))?.kind).toBe("channel");

      await a.conversations.saveConversationRef(
        channel("19:a@thread.tacv2", "team-a", "https://smba.two/"),
        LATER,
      );
      const moved = await b.conversations.getConversationRef("teams", "19:b@thread.tacv2");
      expect(moved?.serviceUrl).toBe("https://smba.two/");
      expect(moved?.reference.serviceUrl).toBe("https://smba.two/");
      expect((await b.conversations.listTeamRefs("teams")).map((r) => r.teamId)).toEqual([
        "team-a",
        "team-b",
      ]);

      // Two replicas hear the tenant at two URLs at once: whichever saved last, every reference agrees.
      await Promise.all([
        a.conversations.saveConversationRef(
          channel("19:a@thread.tacv2", "team-a", "https://smba.three/"),
          LATER,
        ),
        b.conversations.saveConversationRef(
          channel("19:b@thread.tacv2", "team-b", "https://smba.four/"),
          LATER,
        ),
      ]);
      const urls = new Set(
        await Promise.all(
          ["a:1dm", "19:a@thread.tacv2", "19:b@thread.tacv2"].map(
            async (id) => (await a.conversations.getConversationRef("teams", id))?.serviceUrl,
          ),
        ),
      );
      expect(urls.size).toBe(1);
    });

    it("records digests and owner assignments, the last assignment winning", async () => {
      const [a, b] = await two();
      expect(await a.digests.lastDigestAt()).toBeUndefined();
      await a.digests.recordDigest({
        platform: "slack",
        recipient: "C1",
        scanId: undefined,
        score: 72,
        at: AT,
      });
      await b.digests.recordDigest({
        platform: "teams",
        recipient: "19:x",
        scanId: undefined,
        score: 72,
        at: LATER,
      });
      expect(await a.digests.lastDigestAt()).toEqual(LATER);

      const assign = (store: Store, ownerEmail: string, assignedBy: string) =>
        store.ownerOverrides.setOwnerOverride({
          source: "servicenow",
          accountId: "sys-1",
          ownerEmail,
          ownerName: "  ",
          assignedBy,
          assignedAt: AT,
        });
      await assign(a, "Raj.Patel@ACME.example", "UADMIN");
      expect(await b.ownerOverrides.getOwnerOverride("servicenow", "sys-1")).toBe("raj.patel@acme.example");
      expect(await b.ownerOverrides.getOwnerAssignment("servicenow", "sys-1")).toEqual({
        ownerEmail: "raj.patel@acme.example",
        ownerName: undefined,
        assignedBy: "UADMIN",
        assignedAt: AT,
      });
      await Promise.all([assign(a, "vera@acme.example", "UA"), assign(b, "james@acme.example", "UB")]);
      const [only] = [...(await a.ownerOverrides.listOwnerAssignments()).values()];
      expect(["vera@acme.example", "james@acme.example"]).toContain(only?.ownerEmail);
      expect(await b.ownerOverrides.listOwnerOverrides()).toEqual(
        new Map([["servicenow:sys-1", only?.ownerEmail]]),
      );
      await expect(assign(a, "not an email", "UA")).rejects.toThrow(StoreError);
      expect(await a.ownerOverrides.getOwnerOverride("servicenow", "sys-2")).toBeUndefined();
    });
  },
);
