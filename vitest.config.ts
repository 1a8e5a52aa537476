import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["sdk/**/*.test.ts", "collector/**/*.test.ts", "demo-shop/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
