// A token names its session's device (claim `dev`), so an assess reads the device's history without
// waiting for the session: the collector sends a fresh token as soon as a device arrives or changes.
import { pack, unpack } from "msgpackr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerFrame } from "../../sdk/protocol.js";
import { SITE_KEY, startTestCollector, type TestCollector } from "../helpers/collector.js";
import { StreamClient } from "../helpers/stream-client.js";

const ORIGIN = "http://127.0.0.1:1";
let collector: TestCollector;
let orderSeq = 0;

beforeAll(async () => {
  collector = await startTestCollector({ origins: [ORIGIN] });
});
afterAll(async () => {
  await collector.destroy();
});

type TokenFrame = Extract<ServerFrame, { t: "token" }>;
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
const assess = async (token: string) => (await collector.api("POST", "/v1/assess", { token, order: { id: `ord_dev_${++orderSeq}` } })).body;

async function collect(frames: unknown[], sid?: string): Promise<TokenFrame | undefined> {
  const query = new URLSearchParams({ k: SITE_KEY, ...(sid ? { sid } : {}) });
  const response = await fetch(`${collector.url}/v1/collect?${query}`, { method: "POST", headers: { "content-type": "text/plain", origin: ORIGIN }, body: new Uint8Array(pack(frames)) });
  const answer = unpack(Buffer.from(await response.arrayBuffer())) as ServerFrame[];
  return answer.find((frame): frame is TokenFrame => frame.t === "token");
}

describe("a fresh token for a new device", () => {
  it("follows the first visitor id on the stream, and a changed one, but not other signals", async () => {
    const client = await StreamClient.connect(collector.url, SITE_KEY, ORIGIN);
    try {
      const first = await client.next("token");
      expect(claimsOf(first.token)).not.toHaveProperty("dev");
      client.send({ t: "signals", d: { visitorId: "visitor-dev-1" } });
      const withDevice = await client.next("token", 1);
      expect(withDevice.sid).toBe(first.sid);
      const answer = await assess(withDevice.token);
      expect(answer.token.status).toBe("valid");
      expect(answer.device.id).toBe(`dev_${claimsOf(withDevice.token).dev}`);

      client.send({ t: "signals", d: { visitorId: "visitor-dev-1", webdriver: false } });
      client.send({ t: "signals", d: { visitorId: "visitor-dev-2" } });
      const changed = await client.next("token", 2);
      expect(claimsOf(changed.token).dev).not.toBe(claimsOf(withDevice.token).dev);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.frames.filter((frame) => frame.t === "token")).toHaveLength(3);
    } finally {
      client.close();
    }
  });

  it("comes with the answer of the HTTP fallback that brought the visitor id", async () => {
    const first = (await collect([]))!;
    expect(await collect([{ t: "signals", d: { webdriver: false } }], first.sid)).toBeUndefined();
    const withDevice = (await collect([{ t: "signals", d: { visitorId: "visitor-dev-3" } }], first.sid))!;
    expect(withDevice.sid).toBe(first.sid);
    expect((await assess(withDevice.token)).device.id).toBe(`dev_${claimsOf(withDevice.token).dev}`);
    expect(await collect([{ t: "signals", d: { visitorId: "visitor-dev-3" } }], first.sid)).toBeUndefined();
  });
});
