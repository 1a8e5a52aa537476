import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONTACT_TTL_MS, ContactVault } from "./contact-vault.js";
import { LmdbStore } from "./store/lmdb/lmdb-store.js";

let dir: string;
let store: LmdbStore;
let nowMs = Date.parse("2026-11-21T12:00:00Z");
const clock = () => nowMs;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vakt-vault-"));
  store = new LmdbStore(dir);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("ContactVault", () => {
  it("gives back what it kept for the same attempt, until it expires", async () => {
    const vault = await ContactVault.open(store, clock);
    await vault.keep("att_1", { email: "anna@example.com", phone: "+46701234567" });
    expect(await vault.read("att_1")).toEqual({ email: "anna@example.com", phone: "+46701234567" });
    expect(await vault.read("att_2")).toBeUndefined();
    nowMs += CONTACT_TTL_MS + 1;
    expect(await vault.read("att_1")).toBeUndefined();
  });

  it("stores only ciphertext, bound to the attempt id", async () => {
    const vault = await ContactVault.open(store, clock);
    await vault.keep("att_1", { email: "anna@example.com" });
    const sealed = (await store.getContact("att_1", nowMs))!;
    expect(sealed.toString("latin1")).not.toContain("anna@example.com");
    await store.putContact("att_other", sealed, nowMs + 1000);
    await expect(vault.read("att_other")).rejects.toThrow();
  });

  it("keeps nothing when there is nothing to send a code to", async () => {
    const vault = await ContactVault.open(store, clock);
    await vault.keep("att_1", {});
    expect(await store.getContact("att_1", nowMs)).toBeUndefined();
  });

  it("is purged once expired", async () => {
    const vault = await ContactVault.open(store, clock);
    await vault.keep("att_1", { phone: "+46701234567" });
    await vault.keep("att_2", { phone: "+46701234568" });
    expect(await store.purgeExpired(nowMs, 100)).toBe(0);
    expect(await store.purgeExpired(nowMs + CONTACT_TTL_MS + 1, 100)).toBe(2);
    expect(await store.getContact("att_1", 0)).toBeUndefined();
  });
});
