# warden: one container, one volume. Build with `docker build -t warden .`; see docs/deployment.md.
#
# Linted in CI by dockerfilelint (`npm run lint:docker`, test/docker/dockerfile.test.ts). No Docker
# engine runs in CI, so this file is checked by the linter and the tests, never built there.

# Both stages use this one Node version. better-sqlite3 is a native addon compiled against the Node
# ABI of the stage that runs `npm ci`; using the same image for build and runtime guarantees the
# compiled .node file loads in the runtime. Pinned to an exact minor of Node 20 (package.json
# engines: >=20.18) on Debian bookworm (glibc, so prebuilt better-sqlite3 binaries also match).
# For fully reproducible builds, pass a patch version or append a digest:
#   docker build --build-arg NODE_VERSION=20.20.2 .
ARG NODE_VERSION=20.20

# ---------------------------------------------------------------------------------------------------
# Build stage: dev dependencies, a C++ toolchain, TypeScript compilation.
# ---------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build

# python3, make and g++ are what node-gyp needs when better-sqlite3 has no prebuilt binary to
# download for this platform (e.g. arm64 hosts, or no network access to GitHub releases during the
# build). --no-install-recommends and the list cleanup keep this stage small; it is thrown away anyway.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Manifests first, so the dependency layer is reused from cache until package*.json change.
COPY package.json package-lock.json ./

# `npm ci`, not `npm install`: installs exactly what package-lock.json pins and fails if it is out of
# date. It runs better-sqlite3's install script, which downloads a prebuilt binary or compiles one with
# the toolchain above, for this stage's Node. The script is approved in package.json "allowScripts"
# (the npm 10 bundled with Node 20 runs install scripts regardless; npm 12 will require that approval).
RUN npm ci --no-audit --no-fund

# Only what tsc needs (tsconfig.build.json compiles src/ into dist/).
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Drop dev dependencies (TypeScript, vitest, Biome, ...) in place. Pruning keeps the better-sqlite3
# build compiled above, so the runtime never needs a compiler and never rebuilds anything.
RUN npm prune --omit=dev --no-audit --no-fund

# ---------------------------------------------------------------------------------------------------
# Runtime stage: same base image, no compilers, production dependencies only, non-root.
# ---------------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime

# NODE_ENV=production: libraries (express, ...) pick their production behaviour.
# WARDEN_DB on the /data volume so the database outlives the container.
# PORT is read by `warden serve` and by the HEALTHCHECK below; keep EXPOSE in step if you change it.
ENV NODE_ENV=production \
    WARDEN_DB=/data/warden.db \
    PORT=3000

WORKDIR /app

# The application files stay owned by root: the `node` user can read and run them but not modify
# them, so a compromised process cannot rewrite the code it runs.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# /data must exist and belong to `node` before VOLUME is declared: a new named volume is initialised
# from the image's directory (including its owner), and changes made after VOLUME would be discarded.
RUN mkdir -p /data \
 && chown node:node /data

VOLUME ["/data"]

# The official image's unprivileged `node` user (uid 1000, gid 1000). On Kubernetes with
# runAsNonRoot, also set runAsUser: 1000, since a user name cannot be checked there.
USER node

EXPOSE 3000

# Slim images have no curl or wget, so Node itself probes the liveness endpoint (global fetch, Node 18+).
# Exec form (no shell): PORT comes from the container's environment, as in ${PORT:-3000}.
# No --start-period: `warden serve` answers /healthz as soon as it listens, and 3 retries at 30 s give
# a slow start 90 s anyway (dockerfilelint 1.8 also misreads hyphenated options such as --start-period).
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node runs as PID 1 directly (no npm or shell wrapper in between), so `docker stop`'s SIGTERM reaches
# warden, which stops its schedules, finishes an in-flight click and closes the database.
# ENTRYPOINT is the warden binary, so other commands run as `docker run ... warden scan`, `doctor`, etc.
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
