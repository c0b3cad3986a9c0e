import { describe, expect, it } from "vitest";
import { createConnectorRegistry } from "../../src/sources/connector-registry.js";
import { NOW, startDemoSource } from "../helpers/demo-source.js";

describe("createConnectorRegistry", () => {
  it("looks connectors up by source name and says which sources exist when one is unknown", async () => {
    const first = await startDemoSource();
    const second = await startDemoSource({ name: "servicenow-eu" });
    const connectors = createConnectorRegistry([first.connector, second.connector]);
    expect(connectors.get("servicenow-eu")).toBe(second.connector);
    expect(connectors.find("entra")).toBeUndefined();
    expect(() => connectors.get("entra")).toThrow(
      /no connector for the source "entra".*servicenow, servicenow-eu/,
    );
    expect(connectors.list().map((c) => c.name)).toEqual(["servicenow", "servicenow-eu"]);
    // The name is the source the inventory's identities are stored under.
    const inventory = await second.connector.collectInventory({ now: NOW, dormantDays: 100 });
    expect(new Set(inventory.identities.map((i) => i.source))).toEqual(new Set(["servicenow-eu"]));
  });

  it("refuses two connectors under one source name", async () => {
    const { connector } = await startDemoSource();
    expect(() => createConnectorRegistry([connector, connector])).toThrow(/Two sources.*"servicenow"/);
  });
});
