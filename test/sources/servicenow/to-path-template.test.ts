import { describe, expect, it } from "vitest";
import { toPathTemplate } from "../../../src/sources/servicenow/to-path-template.js";

describe("toPathTemplate", () => {
  it.each([
    [
      "/api/now/table/incident/46d44a5ea9fe198101d8c9a0d1f6e63a?sysparm_fields=number",
      "/api/now/table/incident/{sys_id}",
    ],
    ["/api/now/table/incident?sysparm_query=active%3Dtrue", "/api/now/table/incident"],
    ["/api/x_acme/hr/v1/employees/1234", "/api/x_acme/hr/v1/employees/{id}"],
    [
      "https://acme.service-now.com/api/now/table/change_request/CHG0030001",
      "/api/now/table/change_request/{id}",
    ],
    ["/api/now/stats/incident/", "/api/now/stats/incident"],
    [
      "/api/sn_sc/servicecatalog/items/3f1dd0320a0a0b99000a53f7604a2ef9/order_now",
      "/api/sn_sc/servicecatalog/items/{sys_id}/order_now",
    ],
  ])("%s → %s", (url, template) => {
    expect(toPathTemplate(url)).toBe(template);
  });
});
