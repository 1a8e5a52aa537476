import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runVakt, VAKT_BIN } from "../helpers/cli.js";
import { freePort } from "../helpers/stack.js";

const dir = mkdtempSync(join(tmpdir(), "vakt-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => runVakt(args, dir);

describe("npx vakt collector", () => {
  it("refuses a bad config with one line per problem naming the field, and exits non-zero", async () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, JSON.stringify({ listen: { port: 99999 }, sites: [{ siteKey: "pk_test_cli", secretKey: "short", origins: ["http://ok.example", "not a url"] }] }));
    const { code, stderr } = await run(["collector", "--config", path]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^\s+listen\.port: /m);
    expect(stderr).toMatch(/^\s+sites\[0\]\.secretKey: at least 12 characters$/m);
    expect(stderr).toMatch(/^\s+sites\[0\]\.origins\[1\]: not a URL origin/m);
  });

  it("says what is wrong with a missing file, a missing --config and an unknown command", async () => {
    expect((await run(["collector", "--config", join(dir, "nope.json")])).stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
    const noConfig = await run(["collector"]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(/--config FILE is required/);
    const unknown = await run(["fly"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "fly"/);
  });

  it("starts from a good config, serves, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const path = join(dir, "good.json");
    writeFileSync(path, JSON.stringify({ listen: { port }, store: { kind: "lmdb", path: join(dir, "data") }, sites: [{ siteKey: "pk_test_cli", secretKey: "sk_test_cli_secret", origins: ["http://127.0.0.1:8080"] }] }));
    const child = spawn(process.execPath, [VAKT_BIN, "collector", "--config", path], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => /listening on/.test(String(d)) && resolve()));
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
