import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newId } from "../../collector/ids.js";
import { startTestCollector } from "../helpers/collector.js";

describe("privacy of the data directory", () => {
  it("holds none of the e-mails, phones, names or addresses assessed, only keyed hashes", async () => {
    const collector = await startTestCollector();
    const raw = {
      email: "Unique.Shopper+promo@example-privacy.com",
      phone: "+46 70 424 24 24",
      name: "Zlatan Privatsson",
      line1: "Hemligvägen 4711",
      line2: "Lägenhet Tolvhundra",
      postalCode: "QX9 8ZW",
      city: "Gömmeby",
      billingName: "Greta Räkningsdóttir",
      billingLine1: "Fakturagränd 99",
      billingCity: "Betalstad",
      orgNumber: "559911-4321",
      otherPhone: "070-987 65 43",
    };
    const folded = ["unique.shopper@example-privacy.com", "+46704242424", "+46709876543", "privatsson zlatan", "hemligvagen 4711", "fakturagrand 99", "raknings", "qx98zw", "gommeby", "5599114321"];
    for (let i = 0; i < 3; i++) {
      const answer = await collector.api("POST", "/v1/assess", {
        ip: "198.51.100.23",
        order: {
          id: `ord_priv_${i}`,
          email: raw.email,
          phone: i === 2 ? raw.otherPhone : raw.phone,
          customer: { id: "cust_privacy_1", name: raw.name, orgNumber: raw.orgNumber },
          shipping: { name: raw.name, line1: raw.line1, line2: raw.line2, postalCode: raw.postalCode, city: raw.city, country: "SE" },
          billing: { name: raw.billingName, line1: raw.billingLine1, postalCode: "99999", city: raw.billingCity, country: "SE" },
        },
      });
      expect(answer.status).toBe(200);
      if (i === 0) await collector.api("POST", "/v1/labels", { attempt: answer.body.id, label: "fraud" });
    }
    const dir = collector.dataDir;
    await collector.close();
    const bytes = Buffer.concat(readdirSync(dir).map((file) => readFileSync(join(dir, file)))).toString("latin1").toLowerCase();
    rmSync(dir, { recursive: true, force: true });
    for (const secret of [...Object.values(raw), ...folded, "198.51.100.23", "cust_privacy_1"]) {
      expect(bytes.includes(secret.toLowerCase()), `found "${secret}" in the data directory`).toBe(false);
    }
    expect(bytes).toContain("ord_priv_0");
  });

  it("retention deletes attempts and sessions older than the configured retentionDays and keeps younger ones", async () => {
    const collector = await startTestCollector({ retentionDays: 7 });
    try {
      const dayMs = 86_400_000;
      const record = async (ageMs: number, orderId: string) => {
        const tsMs = Date.now() - ageMs;
        const attempt = { id: newId("att", tsMs), siteKey: "pk_test_vakt", orderId, tsMs, ids: { email: `hash_${orderId}` }, answer: { decision: "allow" } as never };
        await collector.store.recordAttempt(attempt);
        await collector.store.putSession({ id: newId("ses", tsMs), siteKey: "pk_test_vakt", createdAtMs: tsMs, updatedAtMs: tsMs, signals: {} });
        return attempt;
      };
      const old = await record(7 * dayMs + 60_000, "ord_old");
      const young = await record(7 * dayMs - 3_600_000, "ord_young");
      expect(await collector.retention.sweep()).toEqual({ attempts: 1, sessions: 1 });
      expect(await collector.store.getAttempt(old.id)).toBeUndefined();
      expect(await collector.store.history("email", "hash_ord_old", 0, 10)).toEqual([]);
      expect(await collector.store.getAttempt(young.id)).toBeDefined();
      expect(await collector.store.history("email", "hash_ord_young", 0, 10)).toHaveLength(1);
    } finally {
      await collector.destroy();
    }
  });
});
