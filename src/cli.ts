#!/usr/bin/env node
import { runCli } from "./cli/run-cli.js";

const args = process.argv.slice(2);
const code = await runCli(args, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTTY: process.stderr.isTTY === true,
});
// `serve` has closed everything it owns by now; idle keep-alive sockets of HTTP clients must not
// hold the process past the 10 s a container runtime allows after SIGTERM. Other commands let
// stdout drain (an audit export may be large) and exit on their own.
if (args[0] === "serve") process.exit(code);
process.exitCode = code;
