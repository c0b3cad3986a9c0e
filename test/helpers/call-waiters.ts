// Shared with the fake Slack Web API under src/bench/fake-slack (see fake-slack-api.ts here).
export * from "../../src/bench/fake-slack/call-waiters.js";
