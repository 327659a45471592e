import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: socket- and timing-sensitive suites behave better without heavy oversubscription.
    maxWorkers: 2,
    reporters: ["default", "./vitest.summary.ts"],
  },
});
