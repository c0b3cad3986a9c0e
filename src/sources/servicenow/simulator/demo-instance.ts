/**
 * The demo dataset: a small company ("Acme", domain acme.example) with readable people and
 * service accounts, built so that every risk rule fires on at least one account and clean
 * accounts show what good looks like.
 */
import { DAY_MS } from "./glide-date-time.js";
import { InstanceBuilder } from "./instance-builder.js";
import type { HttpMethod, InstanceData, SimRecord } from "./instance-data.js";
import type { Prng } from "./prng.js";
import { TransactionCollector } from "./transaction-collector.js";

/** Scenario keys of `InstanceData.scenarios` in the demo dataset. */
export const DEMO_SCENARIOS = [
  "clean",
  "dormant",
  "basic_auth",
  "wsao_disabled",
  "ui_and_api",
  "orphan",
  "inactive_owner",
  "privileged",
  "multiple_rules",
  "internal_integration",
  "human_api_admin",
  "disabled",
  "recently_quiet",
  "rest_only",
  "basic_auth_only",
  "oauth_only",
] as const;
export type DemoScenario = (typeof DEMO_SCENARIOS)[number];

/** How far back the demo transaction log reaches (the real one keeps about 8 weeks). */
export const DEMO_LOG_DAYS = 62;

type Call = readonly [HttpMethod, string];

interface Activity {
  calls: readonly Call[];
  perDay: readonly [number, number];
  /** Calls happen on days [untilDaysAgo, sinceDaysAgo) before now. */
  sinceDaysAgo: number;
  untilDaysAgo: number;
  /** Transaction type of the calls; default "rest". */
  type?: "rest" | "soap";
}

interface MachineSpec {
  userName: string;
  name: string;
  manager: string;
  scenarios: DemoScenario[];
  roles: string[];
  wsao?: boolean;
  active?: boolean;
  internal?: boolean;
  createdDaysAgo: number;
  updatedDaysAgo?: number;
  lastLoginDaysAgo?: number;
  activity?: Activity;
  /** OAuth token rows: days ago of the latest access token. */
  oauthDaysAgo?: number;
  basicAuth?: { lastSeenDaysAgo: number; usageCount: number; source?: string };
  uiLoginDaysAgo?: number[];
}

// [user_name, full name, manager user_name ("" for none), active, extra roles]
const PEOPLE: ReadonlyArray<readonly [string, string, string, boolean, readonly string[]]> = [
  ["helen.carter", "Helen Carter", "", true, []],
  ["marcus.bell", "Marcus Bell", "helen.carter", true, ["itil"]],
  ["sofia.martinez", "Sofia Martinez", "helen.carter", true, ["security_admin"]],
  ["raj.patel", "Raj Patel", "marcus.bell", true, ["itil"]],
  ["linda.park", "Linda Park", "marcus.bell", true, ["itil"]],
  ["james.okafor", "James Okafor", "marcus.bell", true, ["itil"]],
  ["alice.nguyen", "Alice Nguyen", "raj.patel", true, ["admin", "itil"]],
  ["tom.becker", "Tom Becker", "james.okafor", false, ["itil"]],
  ["nina.kowalski", "Nina Kowalski", "raj.patel", false, ["itil"]],
  ["oliver.grant", "Oliver Grant", "linda.park", true, ["itil"]],
  ["emma.schmidt", "Emma Schmidt", "linda.park", true, ["itil"]],
  ["lucas.silva", "Lucas Silva", "linda.park", true, ["itil"]],
  ["mia.johansson", "Mia Johansson", "linda.park", true, ["itil"]],
  ["noah.williams", "Noah Williams", "linda.park", true, ["itil"]],
  ["ava.rossi", "Ava Rossi", "linda.park", true, ["itil"]],
  ["ethan.murphy", "Ethan Murphy", "linda.park", true, ["itil"]],
  ["chloe.dubois", "Chloe Dubois", "james.okafor", true, ["itil"]],
  ["daniel.kim", "Daniel Kim", "james.okafor", true, ["itil", "rest_api_explorer"]],
  ["grace.obrien", "Grace O'Brien", "james.okafor", true, ["itil"]],
  ["henry.adams", "Henry Adams", "james.okafor", true, ["itil"]],
  ["isla.fraser", "Isla Fraser", "raj.patel", true, ["itil"]],
  ["jack.thompson", "Jack Thompson", "raj.patel", true, ["itil", "asset"]],
  ["kate.lewis", "Kate Lewis", "raj.patel", true, ["itil"]],
  ["liam.walsh", "Liam Walsh", "sofia.martinez", true, []],
  ["maya.chen", "Maya Chen", "sofia.martinez", true, []],
  ["omar.haddad", "Omar Haddad", "sofia.martinez", true, []],
  ["paula.garcia", "Paula Garcia", "helen.carter", true, ["catalog"]],
  ["quinn.baker", "Quinn Baker", "paula.garcia", true, ["catalog"]],
  ["ruby.evans", "Ruby Evans", "paula.garcia", true, ["catalog", "knowledge"]],
  ["sam.turner", "Sam Turner", "paula.garcia", true, ["knowledge"]],
  ["tara.singh", "Tara Singh", "paula.garcia", true, ["catalog"]],
  ["umar.farouk", "Umar Farouk", "paula.garcia", true, []],
  ["vera.novak", "Vera Novak", "helen.carter", true, ["report_user"]],
  ["will.hughes", "Will Hughes", "vera.novak", true, ["report_user"]],
  ["xena.papadopoulos", "Xena Papadopoulos", "vera.novak", true, []],
  ["yusuf.demir", "Yusuf Demir", "vera.novak", true, []],
  ["zoe.clarke", "Zoe Clarke", "vera.novak", true, []],
  ["ben.foster", "Ben Foster", "linda.park", false, ["itil"]],
  ["carla.mendes", "Carla Mendes", "linda.park", true, ["itil"]],
  ["diego.ramos", "Diego Ramos", "james.okafor", true, ["itil"]],
];

/** Builds the demo dataset. Everything random comes from `rng`, so a seed gives one dataset. */
export function buildDemoInstance(rng: Prng, now: Date, seed: number): InstanceData {
  const nowMs = now.getTime();
  const b = new InstanceBuilder(rng, nowMs);
  const tx = new TransactionCollector();
  const scenarios = new Map<string, string[]>();
  const tag = (scenario: DemoScenario, userName: string) => {
    const list = scenarios.get(scenario) ?? [];
    list.push(userName);
    scenarios.set(scenario, list);
  };
  const hex = () => rng.sysId();
  const people = new Map<string, SimRecord>();

  // People first (managers before reports), then their roles, logins and UI activity.
  for (const [userName, name, managerName, active, roles] of PEOPLE) {
    const manager = managerName === "" ? "" : (people.get(managerName)?.sys_id ?? "");
    const record = b.addUser({
      userName,
      name,
      email: `${userName.replace("'", "")}@acme.example`,
      manager,
      active,
      lastLoginDaysAgo: active ? rng.int(0, 3) : rng.int(90, 200),
      createdDaysAgo: rng.int(400, 2000),
      updatedDaysAgo: active ? rng.int(1, 60) : rng.int(90, 200),
    });
    people.set(userName, record);
    for (const role of roles) b.grant(record.sys_id ?? "", role);
    if (!active) continue;
    const uiUrls: Call[] = [
      ["GET", `/incident.do?sys_id=${hex()}`],
      ["GET", "/incident_list.do?sysparm_query=active%3Dtrue"],
      ["POST", `/incident.do?sys_id=${hex()}`],
      ["GET", `/sc_req_item.do?sys_id=${hex()}`],
      ["GET", "/home.do"],
    ];
    for (let day = 0; day < DEMO_LOG_DAYS; day++) {
      const weekday = new Date(nowMs - day * DAY_MS).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      if (day < 30)
        b.addLogin(record.sys_id ?? "", day + 0.3 + rng.next() * 0.3, rng.chance(0.8) ? "SSO" : "DB");
      const count = rng.int(2, 6);
      for (let i = 0; i < count; i++) {
        const [method, url] = rng.pick(uiUrls);
        const t = Math.floor((nowMs - (day + rng.next() * 0.4) * DAY_MS) / 1000);
        tx.add(userName, t, url, method, url.includes("_list.do") ? "list" : "form", rng.int(80, 900));
      }
    }
  }
  const person = (userName: string) => people.get(userName)?.sys_id ?? "";

  const tableGet = (table: string, fields = "number,short_description,state"): Call => [
    "GET",
    `/api/now/table/${table}/${hex()}?sysparm_fields=${encodeURIComponent(fields)}`,
  ];
  const tableList = (table: string, query: string): Call => [
    "GET",
    `/api/now/table/${table}?sysparm_query=${encodeURIComponent(query)}&sysparm_limit=100`,
  ];
  const tablePost = (table: string): Call => ["POST", `/api/now/table/${table}`];
  const tablePatch = (table: string): Call => ["PATCH", `/api/now/table/${table}/${hex()}`];
  const recent = (calls: Call[], perDay: readonly [number, number] = [8, 30]): Activity => ({
    calls,
    perDay,
    sinceDaysAgo: DEMO_LOG_DAYS,
    untilDaysAgo: 0,
  });

  const machines: MachineSpec[] = [
    {
      userName: "svc_servicedesk_sync",
      name: "ServiceDesk Sync",
      manager: "linda.park",
      scenarios: ["clean"],
      roles: ["itil", "snc_platform_rest_api_access"],
      createdDaysAgo: 700,
      activity: recent([
        tableList("incident", "active=true^assignment_group=ops"),
        tableGet("incident"),
        tablePatch("incident"),
      ]),
      oauthDaysAgo: 0.01,
    },
    {
      userName: "svc_cmdb_discovery",
      name: "CMDB Discovery Import",
      manager: "raj.patel",
      scenarios: ["clean"],
      roles: ["asset", "import_transformer", "snc_platform_rest_api_access"],
      createdDaysAgo: 900,
      activity: recent([
        tableList("cmdb_ci_server", "operational_status=1"),
        tablePost("cmdb_ci_server"),
        tablePatch("cmdb_ci_server"),
      ]),
      oauthDaysAgo: 0.05,
    },
    {
      userName: "svc_hr_connector",
      name: "Workday HR Connector",
      manager: "james.okafor",
      scenarios: ["clean"],
      roles: ["snc_platform_rest_api_access", "catalog"],
      createdDaysAgo: 500,
      activity: recent([
        ["GET", "/api/x_acme/hr/v1/employees/1234"],
        ["GET", "/api/x_acme/hr/v1/employees/5678"],
        ["POST", "/api/x_acme/hr/v1/employees"],
      ]),
      oauthDaysAgo: 0.2,
    },
    {
      userName: "svc_monitoring",
      name: "Monitoring Metrics Reader",
      manager: "marcus.bell",
      scenarios: ["clean"],
      roles: ["report_user", "snc_platform_rest_api_access"],
      createdDaysAgo: 800,
      activity: recent(
        [
          ["GET", "/api/now/stats/incident?sysparm_count=true&sysparm_group_by=priority"],
          ["GET", "/api/now/stats/change_request?sysparm_count=true"],
        ],
        [20, 48],
      ),
      oauthDaysAgo: 0.01,
    },
    {
      userName: "svc_slack_notify",
      name: "Slack Notifications",
      manager: "linda.park",
      scenarios: ["clean"],
      roles: ["itil"],
      createdDaysAgo: 300,
      activity: recent([
        tableGet("incident", "number,priority"),
        tableList("incident", "priority=1^active=true"),
      ]),
      oauthDaysAgo: 0.1,
    },
    {
      userName: "svc_status_page",
      name: "Status Page Publisher",
      manager: "marcus.bell",
      scenarios: ["clean"],
      roles: ["itil"],
      createdDaysAgo: 420,
      activity: recent([tableList("cmdb_ci_service", "operational_status=1")], [4, 12]),
      oauthDaysAgo: 0.3,
    },
    {
      userName: "svc_asset_import",
      name: "Asset Import (SCCM)",
      manager: "jack.thompson",
      scenarios: ["clean"],
      roles: ["asset", "import_transformer"],
      createdDaysAgo: 1100,
      activity: recent([tablePost("alm_hardware"), tablePatch("alm_hardware")], [5, 20]),
      oauthDaysAgo: 0.4,
    },
    {
      userName: "svc_kb_indexer",
      name: "Knowledge Search Indexer",
      manager: "ruby.evans",
      scenarios: ["clean"],
      roles: ["knowledge"],
      createdDaysAgo: 260,
      activity: recent([
        tableList("kb_knowledge", "workflow_state=published"),
        tableGet("kb_knowledge", "short_description,text"),
      ]),
      oauthDaysAgo: 0.02,
    },
    {
      userName: "svc_change_bot",
      name: "Change Approval Bot",
      manager: "raj.patel",
      scenarios: ["clean"],
      roles: ["itil"],
      createdDaysAgo: 380,
      activity: recent(
        [tableGet("change_request", "number,state,approval"), tablePatch("change_request")],
        [3, 15],
      ),
      oauthDaysAgo: 0.5,
    },
    {
      userName: "svc_splunk_forwarder",
      name: "Splunk Incident Forwarder",
      manager: "liam.walsh",
      scenarios: ["clean"],
      roles: ["itil"],
      createdDaysAgo: 640,
      activity: recent([tablePost("incident"), tableGet("incident", "number,sys_id")]),
      oauthDaysAgo: 0.03,
    },
    {
      userName: "svc_pagerduty",
      name: "PagerDuty Integration",
      manager: "linda.park",
      scenarios: ["clean"],
      roles: ["itil"],
      createdDaysAgo: 720,
      activity: recent([tablePatch("incident"), tableGet("incident", "number,state,assigned_to")]),
      oauthDaysAgo: 0.06,
    },
    {
      userName: "svc_legacy_backup",
      name: "Legacy Backup Export",
      manager: "raj.patel",
      scenarios: ["dormant"],
      roles: ["itil"],
      createdDaysAgo: 1200,
      updatedDaysAgo: 400,
      lastLoginDaysAgo: 210,
      basicAuth: { lastSeenDaysAgo: 158, usageCount: 912 },
    },
    {
      userName: "svc_jira_bridge",
      name: "Jira Bridge",
      manager: "james.okafor",
      scenarios: ["basic_auth"],
      roles: ["itil"],
      createdDaysAgo: 950,
      activity: recent(
        [
          tableList("incident", "active=true^sys_updated_on>=javascript:gs.minutesAgo(15)"),
          tablePatch("incident"),
        ],
        [30, 60],
      ),
      basicAuth: { lastSeenDaysAgo: 0.2, usageCount: 18_342 },
    },
    {
      userName: "svc_reporting_etl",
      name: "Reporting ETL",
      manager: "vera.novak",
      scenarios: ["wsao_disabled"],
      wsao: false,
      roles: ["report_user", "itil"],
      createdDaysAgo: 610,
      activity: recent(
        [
          tableList("incident", "sys_updated_on>=javascript:gs.daysAgoStart(1)"),
          tableList("task_sla", "stage=in_progress"),
        ],
        [4, 10],
      ),
      oauthDaysAgo: 0.4,
    },
    {
      userName: "svc_sharepoint_sync",
      name: "SharePoint Document Sync",
      manager: "paula.garcia",
      scenarios: ["ui_and_api"],
      roles: ["knowledge", "catalog"],
      createdDaysAgo: 330,
      // Web service access only was switched on recently; the UI logins before that still show.
      updatedDaysAgo: 3,
      lastLoginDaysAgo: 4,
      activity: recent(
        [tableGet("kb_knowledge", "short_description,text"), tablePatch("kb_knowledge")],
        [6, 18],
      ),
      oauthDaysAgo: 0.2,
      uiLoginDaysAgo: [4.2, 6.5, 11.1, 18.7, 25.3],
    },
    {
      userName: "svc_ticket_export",
      name: "Ticket Export",
      manager: "",
      scenarios: ["orphan"],
      roles: ["itil"],
      createdDaysAgo: 1400,
      activity: recent([tableList("incident", "closed_at>=javascript:gs.daysAgoStart(1)")], [1, 4]),
      oauthDaysAgo: 0.7,
    },
    {
      userName: "svc_old_integration",
      name: "Old Integration (Tom)",
      manager: "tom.becker",
      scenarios: ["inactive_owner"],
      roles: ["itil"],
      createdDaysAgo: 1600,
      activity: recent([tableGet("problem", "number,state"), tableList("problem", "active=true")], [2, 8]),
      oauthDaysAgo: 0.9,
    },
    {
      userName: "svc_automation_admin",
      name: "Automation Admin",
      manager: "raj.patel",
      scenarios: ["privileged"],
      roles: ["admin", "itil"],
      createdDaysAgo: 520,
      activity: recent(
        [tablePatch("sys_user"), tableGet("sys_user", "user_name,active"), tablePost("sys_user_grmember")],
        [3, 12],
      ),
      oauthDaysAgo: 0.1,
    },
    {
      userName: "svc_legacy_crm",
      name: "Legacy CRM Connector",
      manager: "nina.kowalski",
      scenarios: [
        "multiple_rules",
        "basic_auth",
        "wsao_disabled",
        "ui_and_api",
        "inactive_owner",
        "privileged",
      ],
      wsao: false,
      roles: ["admin", "security_admin", "itil"],
      createdDaysAgo: 2100,
      lastLoginDaysAgo: 2,
      activity: recent(
        [tableList("customer_account", "active=true"), tablePatch("customer_account"), tablePost("incident")],
        [10, 40],
      ),
      basicAuth: { lastSeenDaysAgo: 0.5, usageCount: 55_120 },
      uiLoginDaysAgo: [2.4, 9.8, 16.2, 23.9],
    },
    {
      userName: "svc_mid_server",
      name: "MID Server (internal)",
      manager: "raj.patel",
      scenarios: ["internal_integration"],
      wsao: false,
      internal: true,
      roles: ["admin"],
      createdDaysAgo: 1000,
      activity: recent(
        [
          ["GET", "/api/now/table/ecc_queue?sysparm_query=agent%3Dmid.server.acme01%5Estate%3Dready"],
          tablePost("ecc_queue"),
        ],
        [40, 90],
      ),
      // MID Servers authenticate with Basic auth: its usage record must not make it an identity.
      basicAuth: { lastSeenDaysAgo: 0.01, usageCount: 2_400_000 },
    },
    {
      userName: "svc_old_sftp",
      name: "SFTP Drop (decommissioned)",
      manager: "james.okafor",
      scenarios: ["disabled"],
      active: false,
      roles: ["itil"],
      createdDaysAgo: 1800,
      updatedDaysAgo: 300,
      lastLoginDaysAgo: 400,
    },
    {
      userName: "svc_quarterly_report",
      name: "Quarterly Finance Report",
      manager: "vera.novak",
      scenarios: ["recently_quiet"],
      roles: ["report_user"],
      createdDaysAgo: 700,
      activity: {
        calls: [
          tableList("fm_expense_line", "sys_created_on>=javascript:gs.daysAgoStart(90)"),
          tableGet("fm_expense_line"),
        ],
        perDay: [40, 80],
        sinceDaysAgo: 60,
        untilDaysAgo: 58,
      },
      oauthDaysAgo: 58.5,
    },
    {
      userName: "svc_backup_verify",
      name: "Backup Verification",
      manager: "raj.patel",
      scenarios: ["clean"],
      roles: ["snc_platform_rest_api_access"],
      createdDaysAgo: 210,
      activity: recent([["GET", "/api/now/stats/sys_user?sysparm_count=true"]], [1, 2]),
      oauthDaysAgo: 0.9,
    },
    {
      userName: "svc_okta_scim",
      name: "Okta Provisioning",
      manager: "sofia.martinez",
      scenarios: ["clean"],
      roles: ["snc_platform_rest_api_access", "itil"],
      createdDaysAgo: 880,
      activity: recent(
        [
          tableGet("sys_user", "user_name,email,active"),
          tableList("sys_user", "active=true^sys_updated_on>=javascript:gs.hoursAgo(1)"),
        ],
        [20, 40],
      ),
      oauthDaysAgo: 0.01,
    },
    {
      // Evidence of API use in the transaction log only: it authenticates with an API key
      // (x-sn-apikey), so there is neither a Basic-auth record nor an OAuth token.
      userName: "svc_datalake_export",
      name: "Data Lake Export (API key)",
      manager: "vera.novak",
      scenarios: ["rest_only"],
      wsao: false,
      roles: ["report_user", "snc_platform_rest_api_access"],
      createdDaysAgo: 340,
      activity: recent([tableList("incident", "sys_updated_on>=javascript:gs.daysAgoStart(1)")], [2, 6]),
    },
    {
      // Evidence in the Basic-auth usage record only: it speaks SOAP, which authenticates with
      // Basic auth, and SOAP transactions are not type=rest.
      userName: "svc_billing_soap",
      name: "Billing SOAP Gateway",
      manager: "paula.garcia",
      scenarios: ["basic_auth_only"],
      wsao: false,
      roles: ["itil"],
      createdDaysAgo: 1300,
      activity: {
        calls: [
          ["POST", "/incident.do?SOAP"],
          ["POST", "/sc_req_item.do?SOAP"],
        ],
        perDay: [3, 9],
        sinceDaysAgo: DEMO_LOG_DAYS,
        untilDaysAgo: 0,
        type: "soap",
      },
      basicAuth: { lastSeenDaysAgo: 0.3, usageCount: 7_410, source: "SOAP" },
    },
    {
      // Evidence in OAuth tokens only: it renews its token every night to stay ready for the
      // quarter-end sync, whose REST calls are older than the transaction log keeps.
      userName: "svc_vendor_portal",
      name: "Vendor Portal Sync (OAuth)",
      manager: "paula.garcia",
      scenarios: ["oauth_only"],
      wsao: false,
      roles: ["catalog"],
      createdDaysAgo: 480,
      oauthDaysAgo: 0.4,
    },
    {
      userName: "svc_teams_bot",
      name: "Teams Service Bot",
      manager: "linda.park",
      scenarios: ["clean"],
      roles: ["itil", "catalog"],
      createdDaysAgo: 150,
      activity: recent([tablePost("incident"), tableGet("sc_req_item", "number,stage")]),
      oauthDaysAgo: 0.02,
    },
  ];

  const addActivity = (userName: string, activity: Activity) => {
    for (let day = activity.untilDaysAgo; day < activity.sinceDaysAgo; day++) {
      const count = rng.int(activity.perDay[0], activity.perDay[1]);
      for (let i = 0; i < count; i++) {
        const [method, url] = rng.pick(activity.calls);
        const t = Math.floor((nowMs - (day + rng.next()) * DAY_MS) / 1000);
        tx.add(userName, t, url, method, activity.type ?? "rest", rng.int(40, 1500));
      }
    }
  };

  for (const spec of machines) {
    const wsao = spec.wsao ?? true;
    const record = b.addUser({
      userName: spec.userName,
      name: spec.name,
      email: "",
      manager: spec.manager === "" ? "" : person(spec.manager),
      active: spec.active ?? true,
      wsao,
      internal: spec.internal ?? false,
      lastLoginDaysAgo: spec.lastLoginDaysAgo,
      createdDaysAgo: spec.createdDaysAgo,
      updatedDaysAgo: spec.updatedDaysAgo ?? Math.min(spec.createdDaysAgo, rng.int(20, 90)),
    });
    const id = record.sys_id ?? "";
    for (const role of spec.roles) b.grant(id, role);
    for (const scenario of spec.scenarios) tag(scenario, spec.userName);
    if (spec.activity) addActivity(spec.userName, spec.activity);
    if (spec.oauthDaysAgo !== undefined) {
      b.addOAuthToken(id, "refresh_token", spec.oauthDaysAgo + rng.int(10, 40));
      b.addOAuthToken(id, "access_token", spec.oauthDaysAgo);
    }
    if (spec.basicAuth)
      b.addBasicAuthException(
        id,
        spec.basicAuth.lastSeenDaysAgo,
        spec.basicAuth.usageCount,
        "global",
        spec.basicAuth.source,
      );
    for (const days of spec.uiLoginDaysAgo ?? []) b.addLogin(id, days, "DB");
  }

  // A human admin who also scripts against the API: discovered only by API activity.
  addActivity("alice.nguyen", {
    calls: [
      tableGet("sys_user", "user_name,roles"),
      ["GET", "/api/now/table/sys_user_has_role?sysparm_query=role.name%3Dadmin"],
    ],
    perDay: [1, 2],
    sinceDaysAgo: 20,
    untilDaysAgo: 0,
  });
  tag("human_api_admin", "alice.nguyen");

  return {
    now,
    seed,
    tables: b.tables,
    transactions: tx.build(rng.sysId().slice(0, 24)),
    scenarios: Object.fromEntries(scenarios),
  };
}
