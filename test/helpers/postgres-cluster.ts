// The throwaway cluster lives under src/bench, so that `npm run bench` (built from src/ only,
// tsconfig.build.json) can time the store on PostgreSQL too; the tests import it from here.
export * from "../../src/bench/postgres-cluster.js";
