import { describe, expect, it, onTestFinished } from "vitest";
import { SourceError, type WardenError } from "../../src/errors.js";
import { createServiceNowClient } from "../../src/sources/servicenow/create-servicenow-client.js";
import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import { startSimulatedInstance } from "../../src/sources/servicenow/simulator/start-simulated-instance.js";
import { createTicketOpener, describeTicketFailure } from "../../src/tickets/open-ticket.js";
import { NOW } from "../helpers/demo-source.js";
import { jsonReply, startScriptedServer } from "../helpers/scripted-server.js";

async function setup(table = "incident") {
  const sim = await startSimulatedInstance({ data: generateInstance({ now: NOW, seed: 1 }), now: () => NOW });
  onTestFinished(() => sim.close());
  const client = createServiceNowClient({
    baseUrl: sim.url,
    auth: { kind: "basic", username: "warden", password: "warden-demo" },
    sleep: async () => {},
  });
  const open = createTicketOpener(client, { instanceUrl: sim.url, table });
  const posts = () => sim.requests.filter((r) => r.method === "POST");
  const rows = () =>
    (sim.data.tables.get(table) as { rows: Record<string, string>[] } | undefined)?.rows ?? [];
  return { sim, open, posts, rows };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe("the ticket client", () => {
  it("opens one record in the configured table and answers its number and link", async () => {
    const { sim, open, rows } = await setup("change_request");
    const ticket = await open({
      short_description: "Disable svc_x (warden)",
      description: "evidence",
      urgency: "2",
    });
    expect(ticket.number).toBe("CHG0010001");
    expect(ticket.url).toBe(`${sim.url}/nav_to.do?uri=change_request.do?sys_id=${ticket.sysId}`);
    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toMatchObject({ short_description: "Disable svc_x (warden)", urgency: "2" });
  });

  it("never sends the POST twice after a 503 or a reset: a second one could open a second ticket", async () => {
    const { sim, open, posts, rows } = await setup();
    sim.faults.script({ response: 503, method: "POST", afterApplying: true });
    const error = await failure(open({ short_description: "x", description: "y" }));
    expect(error).toBeInstanceOf(SourceError);
    expect(posts()).toHaveLength(1);
    expect(rows()).toHaveLength(1);
    expect(describeTicketFailure(error, "incident")).toMatch(/one may have been opened in incident/);

    sim.faults.script({ response: "reset", method: "POST" });
    await failure(open({ short_description: "x", description: "y" }));
    expect(posts()).toHaveLength(2);
  });

  it("still sends it again after a 429, which the instance answers before handling the request", async () => {
    const { sim, open, posts, rows } = await setup();
    sim.faults.script({ response: 429, method: "POST" });
    const ticket = await open({ short_description: "x", description: "y" });
    expect(ticket.number).toBe("INC0010001");
    expect(posts()).toHaveLength(2);
    expect(rows()).toHaveLength(1);
  });

  it("says what is wrong for a refused login, missing rights and an HTML page", async () => {
    const { sim, open, rows } = await setup();
    for (const [fault, code] of [
      [401, "E_SOURCE_AUTH"],
      [403, "E_SOURCE_FORBIDDEN"],
      ["html", "E_SOURCE_NOT_JSON"],
    ] as const) {
      sim.faults.script({ response: fault, method: "POST" });
      const error = await failure(open({ short_description: "x", description: "y" }));
      expect((error as SourceError).code).toBe(code);
      expect(describeTicketFailure(error, "incident")).toMatch(/^no ticket was opened/);
    }
    expect(rows()).toHaveLength(0);
  });

  it("refuses an answer whose number or sys_id is not one, so nothing odd reaches a chat message", async () => {
    const server = await startScriptedServer();
    onTestFinished(() => server.close());
    const client = createServiceNowClient({
      baseUrl: server.url,
      auth: { kind: "basic", username: "warden", password: "warden-demo" },
      sleep: async () => {},
    });
    const open = createTicketOpener(client, { instanceUrl: server.url, table: "incident" });
    server.handle(() =>
      jsonReply({ sys_id: "0123456789abcdef0123456789abcdef", number: "<!here>" }, {}, 201),
    );
    const error = await failure(open({ short_description: "x", description: "y" }));
    expect((error as WardenError).code).toBe("E_TICKET_MALFORMED");
    server.handle(() => jsonReply({ sys_id: "../x", number: "INC0010001" }, {}, 201));
    expect(((await failure(open({}))) as WardenError).code).toBe("E_TICKET_MALFORMED");
    server.handle(() => jsonReply("ok", {}, 201));
    expect(((await failure(open({}))) as WardenError).code).toBe("E_SOURCE_MALFORMED");
  });
});
