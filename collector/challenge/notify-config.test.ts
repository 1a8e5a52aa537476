import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config.js";

const SITE = { siteKey: "pk_test_demo", secretKey: "sk_test_demo_secret", origins: ["http://localhost:8080"] };

async function problemsOf(notify: unknown): Promise<string[]> {
  try {
    await parseConfig({ sites: [SITE], notify });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("the config was accepted");
}

describe("config: notify", () => {
  it("is optional, and fills SMTP defaults", async () => {
    expect((await parseConfig({ sites: [SITE] })).notify).toBeUndefined();
    const config = await parseConfig({ sites: [SITE], notify: { smtp: { host: "mail.example.com", from: "Shop <no-reply@shop.example>" } } });
    expect(config.notify).toEqual({ smtp: { host: "mail.example.com", port: 587, secure: false, from: "Shop <no-reply@shop.example>" }, outbox: false });
    expect((await parseConfig({ sites: [SITE], notify: { outbox: true } })).notify).toEqual({ outbox: true });
  });

  it("refuses bad fields, naming each by its path", async () => {
    expect(await problemsOf({ smtp: { host: "", port: 70000, from: "nobody" }, outbox: "yes" })).toEqual([
      expect.stringMatching(/^notify\.smtp\.host: /),
      expect.stringMatching(/^notify\.smtp\.port: /),
      "notify.smtp.from: not an e-mail address (addr@host or Name <addr@host>)",
      expect.stringMatching(/^notify\.outbox: /),
    ]);
    expect(await problemsOf({ smtp: { host: "h", from: "a@b.se", user: "u" } })).toEqual(["notify.smtp.password: give both user and password, or neither"]);
    expect(await problemsOf({ sms: true })).toEqual([expect.stringMatching(/^notify: .*sms/)]);
  });
});
