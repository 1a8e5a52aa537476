import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startTestCollector } from "../helpers/collector.js";

describe("privacy of the data directory", () => {
  it("holds none of the e-mails, phones, names or addresses assessed, only keyed hashes", async () => {
    const collector = await startTestCollector();
    const raw = {
      email: "Unique.Shopper+promo@example-privacy.com",
      phone: "+46 70 424 24 24",
      name: "Zlatan Privatsson",
      line1: "Hemligvägen 4711",
    };
    const folded = ["unique.shopper@example-privacy.com", "+46704242424", "privatsson zlatan", "hemligvagen 4711"];
    for (let i = 0; i < 3; i++) {
      const answer = await collector.api("POST", "/v1/assess", {
        ip: "198.51.100.23",
        order: {
          id: `ord_priv_${i}`,
          email: raw.email,
          phone: raw.phone,
          customer: { id: "cust_privacy_1", name: raw.name },
          shipping: { name: raw.name, line1: raw.line1, postalCode: "99999", city: "Hemlig", country: "SE" },
          billing: { name: raw.name, line1: raw.line1, postalCode: "99999", city: "Hemlig", country: "SE" },
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
});
