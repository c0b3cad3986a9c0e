import { describe, expect, it } from "vitest";
import { WardenError } from "../../src/errors.js";
import { ticketLink } from "../../src/tickets/ticket-link.js";

const SYS_ID = "0123456789abcdef0123456789abcdef";

describe("ticketLink", () => {
  it("opens the record in the instance's navigation frame, from the instance's origin only", () => {
    expect(ticketLink("https://acme.service-now.com/", "incident", SYS_ID)).toBe(
      `https://acme.service-now.com/nav_to.do?uri=incident.do?sys_id=${SYS_ID}`,
    );
    expect(ticketLink("https://acme.service-now.com/some/path", "change_request", SYS_ID)).toBe(
      `https://acme.service-now.com/nav_to.do?uri=change_request.do?sys_id=${SYS_ID}`,
    );
  });

  it("refuses a sys_id or table that is not one, so an answer cannot smuggle text into a message", () => {
    expect(() => ticketLink("https://acme.service-now.com", "incident", "x>|<https://evil")).toThrow(
      WardenError,
    );
    expect(() => ticketLink("https://acme.service-now.com", "incident&x=1", SYS_ID)).toThrow(
      /not a ticket reference/,
    );
  });
});
