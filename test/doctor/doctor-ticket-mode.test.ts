import { describe, expect, it } from "vitest";
import type { DoctorReport } from "../../src/doctor/run-doctor.js";
import { addBotAccount, configFor, doctor, startSim, writes } from "./doctor-harness.js";

const check = (report: DoctorReport, name: string) => report.checks.find((c) => c.name === name);

describe("warden doctor in ticket mode", () => {
  it("checks the ticket table by reading it, creates nothing, and does not ask for user_admin", async () => {
    const sim = await startSim();
    addBotAccount(sim, ["itil"]);
    const report = await doctor(sim, configFor(sim, "basic", { WARDEN_MODE: "ticket" }));
    expect(check(report, "ticket table incident")).toMatchObject({
      status: "pass",
      detail: expect.stringContaining("WARDEN_MODE=ticket opens its tickets here"),
    });
    expect(check(report, "write sys_user")).toMatchObject({
      status: "pass",
      detail: expect.stringContaining("WARDEN_MODE=ticket: warden never writes sys_user"),
    });
    expect(check(report, "configuration")?.detail).toContain(
      "mode ticket (an approved change opens a ServiceNow ticket; warden writes nothing itself)",
    );
    expect(writes(sim)).toEqual([]);
    expect(sim.requests.filter((r) => r.method === "POST")).toEqual([]);

    // No such check outside ticket mode.
    expect(check(await doctor(sim, configFor(sim, "basic")), "ticket table incident")).toBeUndefined();
  });

  it("fails with what to grant when the table is not readable, and names a table that does not exist", async () => {
    const sim = await startSim();
    addBotAccount(sim, ["itil"]);
    sim.faults.forbiddenTables.add("change_request");
    const forbidden = await doctor(
      sim,
      configFor(sim, "basic", { WARDEN_MODE: "ticket", SERVICENOW_TICKET_TABLE: "change_request" }),
    );
    expect(check(forbidden, "ticket table change_request")).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(
        /^403: the bot account cannot read change_request; grant it read and create/,
      ),
    });
    const missing = await doctor(
      sim,
      configFor(sim, "basic", { WARDEN_MODE: "ticket", SERVICENOW_TICKET_TABLE: "u_no_such_table" }),
    );
    expect(check(missing, "ticket table u_no_such_table")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("u_no_such_table does not exist on this instance"),
    });
  });
});
