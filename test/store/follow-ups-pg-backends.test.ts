import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/store/store.js";
import { type BackendDatabase, STORE_BACKENDS } from "../helpers/store-backends.js";
import { ownerPayload, seeder } from "./seed-outbox-backends.js";

const NOW = new Date("2026-12-01T09:00:00.000Z");
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

describe.each(STORE_BACKENDS)("follow-ups and live owner messages on $name", (backend) => {
  let database: BackendDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });
  async function open(): Promise<{ store: Store; other: Store; seed: ReturnType<typeof seeder> }> {
    database = await backend.database();
    const store = await database.connect();
    const other = await database.connect();
    return { store, other, seed: seeder(database) };
  }

  it("lists due follow-ups earliest first, on the platforms asked, telling live from superseded and undelivered", async () => {
    const { store, seed } = await open();
    const live = await seed.message({ recipient: "raj@acme.example", sentAt: hoursAgo(80) });
    const superseded = await seed.message({
      recipient: "raj@acme.example",
      sentAt: hoursAgo(90),
      payload: ownerPayload("raj@acme.example", { supersededBy: { outboxId: live, sentAt: hoursAgo(80) } }),
    });
    // A message whose payload is not JSON (damaged, or written by something else) is not live,
    // and does not stop the others' follow-ups.
    const unreadable = await seed.message({
      recipient: "raj@acme.example",
      sentAt: hoursAgo(85),
      payload: "{not json",
    });
    const teams = await seed.message({
      platform: "teams",
      recipient: "kim@acme.example",
      sentAt: hoursAgo(60),
    });
    const notYet = await seed.message({ recipient: "lee@acme.example", sentAt: hoursAgo(1) });
    const pending = await seed.message({ recipient: "lee@acme.example", status: "pending" });
    await seed.followUp(live, "reminder", hoursAgo(8));
    await seed.followUp(superseded, "escalation", hoursAgo(9));
    await seed.followUp(unreadable, "reminder", hoursAgo(8.5));
    await seed.followUp(teams, "reminder", hoursAgo(7));
    await seed.followUp(notYet, "reminder", hoursAgo(-60));
    await seed.followUp(pending, "reminder", hoursAgo(6));

    const due = await store.outbox.listDueFollowUps(NOW, ["slack"], 10);
    expect(due.map((d) => [d.outboxId, d.stage, d.live])).toEqual([
      [superseded, "escalation", false],
      [unreadable, "reminder", false],
      [live, "reminder", true],
      [pending, "reminder", false],
    ]);
    expect(due[2]).toEqual({
      outboxId: live,
      stage: "reminder",
      live: true,
      platform: "slack",
      ownerEmail: "raj@acme.example",
      sentAt: hoursAgo(80),
      ref: { platform: "slack", channel: "D1", ts: "1.000100" },
    });
    expect((await store.outbox.listDueFollowUps(NOW, ["slack", "teams"], 10)).map((d) => d.outboxId)).toEqual(
      [superseded, unreadable, live, teams, pending],
    );
    expect((await store.outbox.listDueFollowUps(NOW, ["slack"], 2)).map((d) => d.outboxId)).toEqual([
      superseded,
      unreadable,
    ]);
    expect(await store.outbox.listDueFollowUps(NOW, [], 10)).toEqual([]);

    // Escalation moves the schedule; stopping removes it.
    await store.outbox.scheduleEscalation(live, hoursAgo(-1));
    expect((await store.outbox.listDueFollowUps(NOW, ["slack"], 10)).map((d) => d.outboxId)).not.toContain(
      live,
    );
    expect(
      (await store.outbox.listDueFollowUps(hoursAgo(-1), ["slack"], 10)).find((d) => d.outboxId === live),
    ).toMatchObject({ stage: "escalation", live: true });
    await store.outbox.stopFollowUps(live);
    await store.outbox.stopFollowUps(live);
    expect(
      (await store.outbox.listDueFollowUps(hoursAgo(-100), ["slack"], 10)).map((d) => d.outboxId),
    ).not.toContain(live);
  });

  it("chases only unanswered accounts with open findings not kept, in source and account order", async () => {
    const { store, seed } = await open();
    const id = await seed.message({ recipient: "raj@acme.example", sentAt: hoursAgo(80) });
    await seed.finding("servicenow", "b2");
    await seed.finding("servicenow", "a1");
    await seed.finding("entra", "z9");
    await seed.finding("servicenow", "kept", { acceptedUntil: hoursAgo(-24) });
    await seed.finding("servicenow", "keepOver", { acceptedUntil: hoursAgo(1) });
    await seed.finding("servicenow", "fixed", { resolved: true });
    await seed.finding("servicenow", "answered");
    await seed.accounts(id, [
      { source: "servicenow", accountId: "b2" },
      { source: "servicenow", accountId: "a1" },
      { source: "entra", accountId: "z9" },
      { source: "servicenow", accountId: "kept" },
      { source: "servicenow", accountId: "keepOver" },
      { source: "servicenow", accountId: "fixed" },
      { source: "servicenow", accountId: "answered", answeredAt: hoursAgo(2) },
      { source: "servicenow", accountId: "neverFound" },
    ]);
    expect(await store.outbox.listFollowUpAccounts(id, NOW)).toEqual([
      { source: "entra", accountId: "z9" },
      { source: "servicenow", accountId: "a1" },
      { source: "servicenow", accountId: "b2" },
      { source: "servicenow", accountId: "keepOver" },
    ]);
    expect(await store.outbox.listFollowUpAccounts(id + 1000, NOW)).toEqual([]);
  });

  it("lists live owner messages, their recipients and the ones showing an account, leaving out superseded, unreadable and undelivered ones", async () => {
    const { store, seed } = await open();
    const kim = await seed.message({ recipient: "kim@acme.example", sentAt: hoursAgo(5) });
    const raj = await seed.message({ recipient: "raj@acme.example", sentAt: hoursAgo(4) });
    const rajOld = await seed.message({
      recipient: "raj@acme.example",
      sentAt: hoursAgo(50),
      payload: ownerPayload("raj@acme.example", { supersededBy: { outboxId: raj, sentAt: hoursAgo(4) } }),
    });
    const nullSuperseded = await seed.message({
      recipient: "ana@acme.example",
      sentAt: hoursAgo(3),
      payload: JSON.stringify({ ...JSON.parse(ownerPayload("ana@acme.example")), supersededBy: null }),
    });
    const broken = await seed.message({
      recipient: "bad@acme.example",
      sentAt: hoursAgo(3),
      payload: "not json",
    });
    const pending = await seed.message({ recipient: "pen@acme.example", status: "pending" });
    const teams = await seed.message({
      platform: "teams",
      recipient: "kim@acme.example",
      sentAt: hoursAgo(2),
    });
    const digest = await seed.message({
      recipient: "C1",
      kind: "message_update",
      sentAt: hoursAgo(2),
      payload: "{}",
    });
    for (const id of [kim, raj, rajOld, broken, pending, teams, digest]) {
      await seed.accounts(id, [{ source: "servicenow", accountId: "a1" }]);
    }

    const items = await store.outbox.listLiveOwnerItems("slack");
    expect(items.map((i) => i.id)).toEqual([kim, raj, nullSuperseded]);
    expect(items[1]).toMatchObject({
      id: raj,
      kind: "owner_message",
      platform: "slack",
      recipient: "raj@acme.example",
      status: "sent",
      sentAt: hoursAgo(4),
      ref: { platform: "slack", channel: "D1", ts: "1.000100" },
      message: { kind: "owner_message", view: { owner: { email: "raj@acme.example" } } },
    });
    expect((await store.outbox.listLiveOwnerItems("slack", "raj@acme.example")).map((i) => i.id)).toEqual([
      raj,
    ]);
    expect(await store.outbox.listLiveOwnerItems("slack", "nobody@acme.example")).toEqual([]);
    expect((await store.outbox.listLiveOwnerItems("teams")).map((i) => i.id)).toEqual([teams]);

    expect(await store.outbox.listLiveOwnerRecipients("slack")).toEqual([
      "ana@acme.example",
      "kim@acme.example",
      "raj@acme.example",
    ]);
    expect(await store.outbox.listLiveOwnerRecipients("teams")).toEqual(["kim@acme.example"]);
    expect(await store.outbox.listLiveOwnerRecipients("email")).toEqual([]);
    expect(await store.outbox.listLiveMessagesShowing("servicenow", "a1")).toEqual([kim, raj, teams]);
    expect(await store.outbox.listLiveMessagesShowing("servicenow", "a2")).toEqual([]);
  });

  it("lists every live recipient past one page of messages", async () => {
    const { store, seed } = await open();
    for (let i = 0; i < 520; i++) {
      await seed.message({ recipient: `o${String(i % 7)}@acme.example`, sentAt: hoursAgo(1), payload: "{}" });
    }
    await seed.message({ recipient: "last@acme.example", sentAt: hoursAgo(1), payload: "{}" });
    expect(await store.outbox.listLiveOwnerRecipients("slack")).toEqual([
      "last@acme.example",
      ...Array.from({ length: 7 }, (_, i) => `o${i}@acme.example`),
    ]);
  });

  it("lists accounts fixed in the source that live messages still ask about, and marks them answered, ending the reminder once none is left", async () => {
    const { store, seed } = await open();
    const id = await seed.message({ recipient: "raj@acme.example", sentAt: hoursAgo(80) });
    const old = await seed.message({
      recipient: "raj@acme.example",
      sentAt: hoursAgo(90),
      payload: ownerPayload("raj@acme.example", { supersededBy: { outboxId: id, sentAt: hoursAgo(80) } }),
    });
    const teams = await seed.message({
      platform: "teams",
      recipient: "raj@acme.example",
      sentAt: hoursAgo(80),
    });
    await seed.finding("servicenow", "open");
    await seed.finding("servicenow", "fixed1", { resolved: true });
    await seed.accounts(id, [
      { source: "servicenow", accountId: "open" },
      { source: "servicenow", accountId: "fixed1" },
      { source: "servicenow", accountId: "fixed2" },
      { source: "servicenow", accountId: "done", answeredAt: hoursAgo(1) },
    ]);
    await seed.accounts(old, [{ source: "servicenow", accountId: "fixed1" }]);
    await seed.accounts(teams, [{ source: "servicenow", accountId: "fixed1" }]);
    await seed.followUp(id, "reminder", hoursAgo(1));

    const fixed = await store.outbox.listFixedAccountsShown("slack");
    const key = (f: { outboxId: number; source: string; accountId: string }) =>
      `${f.outboxId}:${f.accountId}`;
    expect(fixed.map(key).sort()).toEqual([`${id}:fixed1`, `${id}:fixed2`]);
    expect((await store.outbox.listFixedAccountsShown("teams")).map(key)).toEqual([`${teams}:fixed1`]);

    await store.outbox.markShownAccountAnswered(
      { outboxId: id, source: "servicenow", accountId: "fixed1" },
      NOW,
    );
    expect((await store.outbox.listFixedAccountsShown("slack")).map(key)).toEqual([`${id}:fixed2`]);
    // Only this message's row: the Teams message still asks.
    expect((await store.outbox.listFixedAccountsShown("teams")).map(key)).toEqual([`${teams}:fixed1`]);
    expect((await store.outbox.listDueFollowUps(NOW, ["slack"], 10)).map((d) => d.outboxId)).toEqual([id]);

    await store.outbox.markShownAccountAnswered(
      { outboxId: id, source: "servicenow", accountId: "fixed2" },
      NOW,
    );
    // "open" is still unanswered: the message is still chased.
    expect((await store.outbox.listDueFollowUps(NOW, ["slack"], 10)).map((d) => d.outboxId)).toEqual([id]);
    await store.outbox.markShownAccountAnswered(
      { outboxId: id, source: "servicenow", accountId: "open" },
      NOW,
    );
    expect(await store.outbox.listDueFollowUps(NOW, ["slack"], 10)).toEqual([]);
    expect(
      await database?.sql(
        "SELECT answered_at FROM message_accounts WHERE outbox_id = $1 AND account_id = $2",
        [id, "fixed1"],
      ),
    ).toEqual([{ answered_at: NOW.toISOString() }]);
  });

  it("ends the reminder when two connections answer a message's last two accounts at once", async () => {
    const { store, other, seed } = await open();
    for (let round = 0; round < 5; round++) {
      const id = await seed.message({ recipient: `raj${round}@acme.example`, sentAt: hoursAgo(80) });
      await seed.accounts(id, [
        { source: "servicenow", accountId: `x${round}` },
        { source: "servicenow", accountId: `y${round}` },
      ]);
      await seed.followUp(id, "reminder", hoursAgo(1));
      await Promise.all([
        store.outbox.markShownAccountAnswered(
          { outboxId: id, source: "servicenow", accountId: `x${round}` },
          NOW,
        ),
        other.outbox.markShownAccountAnswered(
          { outboxId: id, source: "servicenow", accountId: `y${round}` },
          NOW,
        ),
      ]);
      expect(await database?.sql("SELECT outbox_id FROM follow_ups WHERE outbox_id = $1", [id])).toEqual([]);
    }
  });

  it("lists the accounts and rules sent messages of a kind showed a recipient since a time", async () => {
    const { store, seed } = await open();
    const recent = await seed.message({
      recipient: "C1",
      kind: "unowned",
      sentAt: hoursAgo(2),
      payload: "{}",
    });
    const older = await seed.message({
      recipient: "C1",
      kind: "unowned",
      sentAt: hoursAgo(20),
      payload: "{}",
    });
    const tooOld = await seed.message({
      recipient: "C1",
      kind: "unowned",
      sentAt: hoursAgo(50),
      payload: "{}",
    });
    const otherChannel = await seed.message({
      recipient: "C2",
      kind: "unowned",
      sentAt: hoursAgo(2),
      payload: "{}",
    });
    const waiting = await seed.message({
      recipient: "C1",
      kind: "unowned",
      status: "pending",
      payload: "{}",
    });
    await seed.accounts(recent, [
      { source: "servicenow", accountId: "a1", rules: 1 | 16 },
      { source: "entra", accountId: "e1", rules: 32 },
    ]);
    await seed.accounts(older, [{ source: "servicenow", accountId: "a1", rules: 2 | 1024 }]);
    for (const id of [tooOld, otherChannel, waiting]) {
      await seed.accounts(id, [{ source: "servicenow", accountId: "gone", rules: 1 }]);
    }
    const shown = await store.outbox.listAccountsShownTo({
      platform: "slack",
      kind: "unowned",
      recipient: "C1",
      since: hoursAgo(24),
    });
    expect(Object.fromEntries([...shown].map(([key, rules]) => [key, [...rules].sort()]))).toEqual({
      "servicenow:a1": ["basic_auth", "dormant", "no_owner"],
      "entra:e1": ["privileged"],
    });
    expect(
      await store.outbox.listAccountsShownTo({
        platform: "teams",
        kind: "unowned",
        recipient: "C1",
        since: hoursAgo(24),
      }),
    ).toEqual(new Map());
  });
});
