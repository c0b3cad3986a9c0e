import { describe, expect, it, onTestFinished } from "vitest";
import { startDemoSource } from "../helpers/demo-source.js";
import { slackError, startFakeSlackApi } from "../helpers/fake-slack-api.js";
import { runWarden, type WardenRun } from "../helpers/run-warden.js";
import { tempDbPath } from "../helpers/temp-db.js";

/** Every secret value the tests below hand to warden, and the forms it could leak in. */
const SECRETS = {
  urlPassword: "hunter2-in-url",
  password: "pw-wrong-7f3a",
  clientSecret: "oauth-secret-wrong-91c2",
  botToken: "xoxb-bad-token-5e1d",
  signingSecret: "signing-secret-0b8e",
  appToken: "xapp-bad-token-44aa",
  teamsPassword: "teams-secret-c0de",
};
const FORMS = Object.values(SECRETS).flatMap((secret) => [
  secret,
  // A Basic header carries user:password base64-encoded.
  Buffer.from(`warden:${secret}`).toString("base64"),
  Buffer.from(`bob:${secret}`).toString("base64"),
  encodeURIComponent(secret),
]);

/** Asserts that nothing a run printed (stdout, stderr: its log lines too) holds a secret. */
function expectNoSecret(output: { stdout: string; stderr: string }, what: string) {
  for (const text of [output.stdout, output.stderr]) {
    for (const form of FORMS) expect(text, `${what} printed ${form}`).not.toContain(form);
  }
}

/** Resolves once `text` appears on the run's stdout or stderr; rejects if the process exits first. */
function waitForOutput(run: WardenRun, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const look = (chunk: Buffer | string) => {
      seen += chunk;
      const match = seen.match(pattern);
      if (match) resolve(match[1] ?? match[0]);
    };
    run.child.stdout?.on("data", look);
    run.child.stderr?.on("data", look);
    void run.done.then((r) => reject(new Error(`exited before ${pattern}: ${r.stdout}${r.stderr}`)));
  });
}

/** No schedule fires while a test looks (February 29th, outside the catch-up look-back). */
const NEVER = { SCAN_SCHEDULE: "0 0 29 2 *", DIGEST_SCHEDULE: "0 0 29 2 *" };

describe("no secret in output", () => {
  it("refuses credentials embedded in SERVICENOW_URL for scan, doctor and serve, without printing them", async () => {
    const { sim } = await startDemoSource();
    const port = new URL(sim.url).port;
    const cases: Record<string, string>[] = [
      // Credentials in the URL, and also the right variables: still refused.
      {
        SERVICENOW_URL: `http://bob:${SECRETS.urlPassword}@127.0.0.1:${port}`,
        SERVICENOW_USERNAME: "warden",
        SERVICENOW_PASSWORD: "warden-demo",
      },
      // Credentials in the URL only.
      { SERVICENOW_URL: `http://bob:${SECRETS.urlPassword}@127.0.0.1:${port}/` },
    ];
    for (const env of cases) {
      for (const command of ["scan", "doctor", "serve"]) {
        const result = await runWarden([command], {
          LOG_LEVEL: "debug",
          WARDEN_DB: tempDbPath(),
          PORT: "0",
          ...NEVER,
          ...env,
        }).done;
        expect(result.code, command).toBe(2);
        expect(result.stderr).toContain(
          "SERVICENOW_URL must not contain a user name or password (user:password@ before the host): remove them and set SERVICENOW_USERNAME/SERVICENOW_PASSWORD",
        );
        expect(result.stderr).not.toContain("bob");
        expectNoSecret(result, command);
      }
    }
  });

  it("does not echo a malformed SERVICENOW_URL's password in the configuration error", async () => {
    const result = await runWarden(["scan"], {
      SERVICENOW_URL: `https://bob:${SECRETS.urlPassword}@acme.service-now.com:notaport`,
      SERVICENOW_USERNAME: "warden",
      SERVICENOW_PASSWORD: "warden-demo",
    }).done;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'SERVICENOW_URL must be an http(s) URL such as https://acme.service-now.com (got "https://[redacted]@acme.service-now.com:notaport")',
    );
    expectNoSecret(result, "scan");
  });

  it("prints no wrong password or client secret from scan, doctor, the digest, /readyz or the audit log", async () => {
    const { sim } = await startDemoSource();
    const db = tempDbPath();
    const basic = {
      LOG_LEVEL: "debug",
      SERVICENOW_URL: sim.url,
      SERVICENOW_USERNAME: "warden",
      SERVICENOW_PASSWORD: SECRETS.password,
      WARDEN_DB: db,
    };
    const scan = await runWarden(["scan"], basic).done;
    expect(scan.code).toBe(1);
    expect(scan.stderr).toMatch(/401/);
    expectNoSecret(scan, "scan with a wrong password");

    const oauth = await runWarden(["scan"], {
      LOG_LEVEL: "debug",
      SERVICENOW_URL: sim.url,
      SERVICENOW_CLIENT_ID: "warden-demo",
      SERVICENOW_CLIENT_SECRET: SECRETS.clientSecret,
      WARDEN_DB: db,
    }).done;
    expect(oauth.code).toBe(1);
    expect(oauth.stderr).toMatch(/oauth_token\.do/);
    expectNoSecret(oauth, "scan with a wrong client secret");

    const doctor = await runWarden(["doctor"], basic).done;
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/401/);
    expectNoSecret(doctor, "doctor with a wrong password");

    // The failed scans' reasons, as the digest, /readyz and the audit log show them.
    const digest = await runWarden(["digest", "--print"], basic).done;
    expect(digest.code).toBe(0);
    expect(digest.stdout).toMatch(/failed/);
    expectNoSecret(digest, "digest --print");
    const audit = await runWarden(["audit", "--format", "json"], basic).done;
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain("scan.failed");
    expectNoSecret(audit, "audit");

    const serve = runWarden(["serve"], { ...basic, PORT: "0", ...NEVER });
    onTestFinished(() => void serve.child.kill("SIGKILL"));
    const port = await waitForOutput(serve, /listening on port (\d+)/);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = await ready.text();
    expect(body).toMatch(/"status":"failed"/);
    expectNoSecret({ stdout: body, stderr: "" }, "/readyz");
    serve.child.kill("SIGTERM");
    expectNoSecret(await serve.done, "serve");
  });

  it("prints no Slack or Teams secret from doctor or serve, when Slack refuses the tokens", async () => {
    const slack = await startFakeSlackApi();
    onTestFinished(() => slack.close());
    slack.script("auth.test", slackError("invalid_auth"));
    const chat = {
      LOG_LEVEL: "debug",
      WARDEN_DB: tempDbPath(),
      PORT: "0",
      ...NEVER,
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_SIGNING_SECRET: SECRETS.signingSecret,
      SLACK_API_URL: slack.url,
      TEAMS_APP_ID: "00000000-0000-0000-0000-000000000001",
      TEAMS_APP_PASSWORD: SECRETS.teamsPassword,
    };
    const doctor = await runWarden(["doctor"], chat).done;
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain("invalid_auth");
    expectNoSecret(doctor, "doctor with a bad Slack token");

    // HTTP mode: serve starts (Slack is asked only when events come).
    const http = runWarden(["serve"], chat);
    onTestFinished(() => void http.child.kill("SIGKILL"));
    await waitForOutput(http, /listening on port (\d+)/);
    http.child.kill("SIGTERM");
    expectNoSecret(await http.done, "serve (HTTP mode)");

    // Socket Mode: Slack refuses the app token when serve connects; serve fails and says so.
    slack.script("apps.connections.open", slackError("invalid_auth"));
    const { SLACK_SIGNING_SECRET: _http, ...socketEnv } = chat;
    const socket = await runWarden(["serve"], { ...socketEnv, SLACK_APP_TOKEN: SECRETS.appToken }).done;
    expect(socket.code).toBe(1);
    expect(`${socket.stdout}${socket.stderr}`).toContain("invalid_auth");
    expectNoSecret(socket, "serve (Socket Mode)");
  });
});
