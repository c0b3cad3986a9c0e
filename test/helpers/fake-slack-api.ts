// The fake Slack Web API lives under src/bench/fake-slack, so that `npm run bench` (built from src/
// only, tsconfig.build.json) can run against it too; tests import it from here as before.
export * from "../../src/bench/fake-slack/fake-slack-api.js";
