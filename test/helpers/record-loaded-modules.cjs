// Preloaded with NODE_OPTIONS=--require: at exit, writes the path of every CommonJS module the
// process loaded to WARDEN_TEST_MODULES_OUT, one a line. The chat SDKs (@slack/bolt,
// @slack/web-api, botbuilder) are CommonJS, so an ESM import() of them lands in the same cache.
// https://nodejs.org/api/modules.html#requirecache
const { writeFileSync } = require("node:fs");
const Module = require("node:module");

process.on("exit", () => {
  writeFileSync(process.env.WARDEN_TEST_MODULES_OUT, Object.keys(Module._cache).join("\n"));
});
