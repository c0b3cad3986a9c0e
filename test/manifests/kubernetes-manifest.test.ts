import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { KNOWN_VARIABLES, loadConfig } from "../../src/config/load-config.js";

// biome-ignore lint/suspicious/noExplicitAny: a Kubernetes object read from YAML, checked by the assertions
type K8sObject = Record<string, any>;

const objects: K8sObject[] = parseAllDocuments(
  readFileSync(join(import.meta.dirname, "../../manifests/kubernetes/warden.yaml"), "utf8"),
).map((doc) => doc.toJS() as K8sObject);
const byKind = (kind: string) => objects.find((o) => o.kind === kind) as K8sObject;

describe("manifests/kubernetes/warden.yaml", () => {
  const deployment = byKind("Deployment");
  const job = byKind("Job");
  const configMap = byKind("ConfigMap");
  const container = deployment.spec.template.spec.containers[0];

  it("runs two replicas of `warden serve` that roll without a gap, ready on /readyz and alive on /healthz", () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(container.args).toEqual(["serve"]);
    const port = container.ports.find((p: K8sObject) => p.name === "http").containerPort;
    expect(container.env).toContainEqual({ name: "PORT", value: String(port) });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    // warden exits within 10 s of SIGTERM: the grace period must cover it.
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(10);
    expect(deployment.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
    });
  });

  it("has `warden migrate` as a Job with the same image and the same settings", () => {
    const migrate = job.spec.template.spec.containers[0];
    expect(migrate.args).toEqual(["migrate"]);
    expect(migrate.image).toBe(container.image);
    expect(migrate.envFrom).toEqual(container.envFrom);
  });

  it("takes secrets from a Secret and the rest from a ConfigMap whose names warden knows and accepts", () => {
    expect(container.envFrom).toContainEqual({ secretRef: { name: "warden" } });
    expect(container.envFrom).toContainEqual({ configMapRef: { name: configMap.metadata.name } });
    const known: readonly string[] = KNOWN_VARIABLES;
    for (const name of Object.keys(configMap.data)) expect(known).toContain(name);
    // No secret sits in the ConfigMap.
    expect(Object.keys(configMap.data).filter((k) => /SECRET|PASSWORD|TOKEN|DATABASE_URL/.test(k))).toEqual(
      [],
    );
    // The ConfigMap with the Secret the manifest's header creates is a valid configuration.
    const env = {
      ...configMap.data,
      WARDEN_DATABASE_URL: "postgres://warden:pw@db:5432/warden",
      SERVICENOW_CLIENT_SECRET: "s",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "s",
    };
    let config: ReturnType<typeof loadConfig> | undefined;
    try {
      config = loadConfig(env);
    } catch (error) {
      throw new Error(String((error as { problems?: unknown }).problems ?? error));
    }
    expect(config?.databaseUrl).toBe("postgres://warden:pw@db:5432/warden");
    expect(config?.scanSchedule).toBe(configMap.data.SCAN_SCHEDULE);
  });
});
