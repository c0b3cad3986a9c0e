import { afterEach, describe, expect, it } from "vitest";
import { generateInstance } from "../../../../src/sources/servicenow/simulator/generate-instance.js";
import {
  type SimulatedInstance,
  startSimulatedInstance,
} from "../../../../src/sources/servicenow/simulator/start-simulated-instance.js";

const NOW = new Date("2026-03-15T12:00:00Z");
const AUTH = `Basic ${Buffer.from("warden:warden-demo").toString("base64")}`;

describe("the simulated instance's ticket tables", () => {
  let sim: SimulatedInstance | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  const post = (table: string, body: unknown) =>
    fetch(`${sim!.url}/api/now/table/${table}`, {
      method: "POST",
      headers: { Authorization: AUTH, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });

  it("creates an incident over HTTP, numbered by the instance, and serves it back", async () => {
    sim = await startSimulatedInstance({ data: generateInstance({ now: NOW }), now: () => NOW });
    const empty = await fetch(`${sim.url}/api/now/table/incident?sysparm_limit=1`, {
      headers: { Authorization: AUTH, Accept: "application/json" },
    });
    expect(empty.status).toBe(200);
    expect(((await empty.json()) as { result: unknown[] }).result).toEqual([]);

    const first = await post("incident", {
      short_description: "Disable svc_legacy_backup",
      description: "Requested by alice",
      assignment_group: "Identity",
      not_a_field: "ignored",
    });
    expect(first.status).toBe(201);
    const created = ((await first.json()) as { result: Record<string, string> }).result;
    expect(created.number).toBe("INC0010001");
    expect(created.sys_id).toMatch(/^[0-9a-f]{32}$/);
    expect(created.assignment_group).toBe("Identity");
    expect(created).not.toHaveProperty("not_a_field");
    const second = (
      (await (await post("incident", { short_description: "x" })).json()) as {
        result: Record<string, string>;
      }
    ).result;
    expect(second.number).toBe("INC0010002");

    const read = await fetch(`${sim.url}/api/now/table/incident/${created.sys_id}`, {
      headers: { Authorization: AUTH, Accept: "application/json" },
    });
    expect(((await read.json()) as { result: Record<string, string> }).result.short_description).toBe(
      "Disable svc_legacy_backup",
    );
  });

  it("refuses a POST to a table that is not a ticket table, and one without credentials", async () => {
    sim = await startSimulatedInstance({ data: generateInstance({ now: NOW }), now: () => NOW });
    expect((await post("sys_user", { user_name: "x" })).status).toBe(405);
    const anonymous = await fetch(`${sim.url}/api/now/table/incident`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(anonymous.status).toBe(401);
  });

  it("can be made to refuse the ticket POST (403) for tests of ticket mode's failures", async () => {
    sim = await startSimulatedInstance({ data: generateInstance({ now: NOW }), now: () => NOW });
    sim.faults.script({ response: 403, table: "incident" });
    expect((await post("incident", { short_description: "x" })).status).toBe(403);
    expect((await post("incident", { short_description: "x" })).status).toBe(201);
  });
});
