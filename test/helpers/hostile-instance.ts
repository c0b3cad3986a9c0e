import { generateInstance } from "../../src/sources/servicenow/simulator/generate-instance.js";
import type { InstanceData } from "../../src/sources/servicenow/simulator/instance-data.js";
import { NOW } from "./demo-source.js";
import { HOSTILE } from "./rendered-text.js";

/** The demo instance's people and service accounts, renamed by someone who wants to ping everyone. */
export interface HostileInstance {
  data: InstanceData;
  /** Original demo user_name → the hostile user_name it now has. */
  renamed: Map<string, string>;
  /** Raj Patel's display name in ServiceNow now. */
  ownerName: string;
}

/**
 * The demo data with every service account's user_name and display name carrying one of the
 * HOSTILE tokens, and the owners Raj and Vera (display name, and Vera's email) too. The
 * transaction log is renamed with the accounts, so their API activity still counts.
 */
export function hostileInstance(): HostileInstance {
  const data = generateInstance({ now: NOW, seed: 1 });
  const users = data.tables.get("sys_user");
  if (!users) throw new Error("the demo instance has no sys_user");
  const machines = new Set(Object.values(data.scenarios).flat());
  const renamed = new Map<string, string>();
  let k = 0;
  for (const row of users.rows) {
    const userName = row.user_name ?? "";
    if (!machines.has(userName)) continue;
    const token = HOSTILE[k % HOSTILE.length]!;
    k += 1;
    renamed.set(userName, `${userName} ${token}`);
    row.user_name = `${userName} ${token}`;
    row.name = `${token} ${row.name ?? ""}`;
  }
  const ownerName = "Raj <!everyone> [Verify](https://evil.example) <at>Raj</at> **boss**";
  for (const row of users.rows) {
    if (row.user_name === "raj.patel") row.name = ownerName;
    if (row.user_name === "vera.novak") {
      row.name = "Vera <!channel> <https://evil.example|click>";
      row.email = "vera.novak+<!here>@acme.example";
    }
  }
  // syslog_transaction names the account in sys_created_by (interned strings).
  const names = data.transactions.userNames as string[];
  for (const [i, name] of names.entries()) names[i] = renamed.get(name) ?? name;
  return { data, renamed, ownerName };
}
