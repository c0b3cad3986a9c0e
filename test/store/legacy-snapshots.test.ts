import { describe, expect, it } from "vitest";
import { buildLookup } from "../../src/messages/build-lookup.js";
import { buildOwnerMessages } from "../../src/messages/build-owner-messages.js";
import { describeAccountState } from "../../src/messages/format-text.js";
import { createSqliteStore } from "../../src/store/create-sqlite-store.js";
import { NOW, openTempDb, scan, startDemoSource } from "../helpers/demo-source.js";

describe("account snapshots stored by an older warden", () => {
  it("load with ServiceNow's locked out and Web Service Access Only as before", async () => {
    const { sim, connector, idOf } = await startDemoSource();
    const locked = sim.data.scenarios.dormant?.[0] as string;
    await connector.apply(idOf(locked), { kind: "restore", values: { lockedOut: true } });
    const db = openTempDb();
    await scan(db, connector);
    const store = createSqliteStore(db);
    const messages = await buildOwnerMessages(store, { now: NOW });
    const lookedUp = await buildLookup(store, locked);

    // Rewrite every snapshot the way warden stored it before identities were source-neutral.
    const rows = db.prepare("SELECT source, account_id AS id, snapshot FROM account_snapshots").all() as {
      source: string;
      id: string;
      snapshot: string;
    }[];
    const update = db.prepare(
      "UPDATE account_snapshots SET snapshot = ? WHERE source = ? AND account_id = ?",
    );
    for (const row of rows) {
      const { attributes, ...rest } = JSON.parse(row.snapshot) as Record<string, unknown> & {
        attributes: { lockedOut: boolean; webServiceAccessOnly: boolean };
      };
      const legacy = {
        ...rest,
        lockedOut: attributes.lockedOut,
        webServiceAccessOnly: attributes.webServiceAccessOnly,
      };
      update.run(JSON.stringify(legacy), row.source, row.id);
    }
    expect(
      db
        .prepare("SELECT count(*) FROM account_snapshots WHERE snapshot LIKE '%\"attributes\"%'")
        .pluck()
        .get(),
    ).toBe(0);

    expect(await buildOwnerMessages(store, { now: NOW })).toEqual(messages);
    const view = await buildLookup(store, locked);
    expect(view).toEqual(lookedUp);
    if (!view.found) throw new Error("the locked-out account was not found");
    expect(describeAccountState(view.identity)).toEqual(["active", "locked out", "web service access only"]);
    // Restrict is offered exactly where the account can still log into the UI.
    const offers = messages.messages.flatMap((m) => m.accounts).map((a) => a.actions.includes("restrict"));
    expect(offers).toContain(true);
    expect(offers).toContain(false);
  });
});
