#!/usr/bin/env node
import { runCli } from "./cli/run-cli.js";

const args = process.argv.slice(2);
// `warden audit | head`, `warden review report | head`: the reader closed the pipe. That is the
// reader's choice, not a failure: stop quietly (as cat and grep do) instead of an unhandled EPIPE.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
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
