/**
 * The script's WebSocket against hostile clients, on a collector started as operators start it: bad
 * frames are answered with an error frame (the socket stays), floods and oversized frames close the
 * socket with a reason, one address cannot hold more than its share of connections or frames, and
 * through all of it other pages keep getting tokens and the process's memory stays bounded.
 */
import fc from "fast-check";
import { pack } from "msgpackr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_FRAME_BYTES } from "../../sdk/protocol.js";
import { decodeFrame } from "../../collector/protocol/codec.js";
import { checkClientFrame } from "../../collector/protocol/frame-check.js";
import { fuzzRuns, fuzzTimeoutMs } from "../fuzz/runs.js";
import { spawnCollector, type ChildCollector } from "./child-collector.js";
import { mustOpen, openStream, type HostileSocket } from "./ws-client.js";

const SITE_KEY = "pk_test_stream";
const ORIGIN = "http://127.0.0.1:1";
let collector: ChildCollector;
let ipSeq = 0;
/** A fresh client address per use, so that one test's limits never touch another's. */
const nextIp = () => `198.51.${100 + Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;
const open = (ip = nextIp()) => mustOpen(collector.url, { siteKey: SITE_KEY, origin: ORIGIN, ip });

beforeAll(async () => {
  collector = await spawnCollector({
    store: { kind: "lmdb", path: "data" },
    trustProxy: ["127.0.0.1"],
    // Every test uses its own addresses; a budget that barely refills makes the per-address count exact.
    rateLimits: { streamFramesPerIp: { perSecond: 1, burst: 1000 } },
    sites: [{ siteKey: SITE_KEY, secretKey: "sk_test_stream_secret", origins: [ORIGIN] }],
  });
});
afterAll(async () => {
  await collector.destroy();
});

/** Another page, elsewhere, still gets its token. */
async function expectOthersServed(): Promise<void> {
  const other = await open();
  const frames = await other.waitFrames(1);
  expect(frames[0]).toMatchObject({ t: "token", token: expect.any(String) });
  other.socket.close();
}

/** What the collector should answer to one frame: an error frame, a token, or nothing. */
function expectedReply(bytes: Uint8Array): "error" | "token" | "none" {
  let decoded: unknown;
  try {
    decoded = decodeFrame(bytes);
  } catch {
    return "error";
  }
  const check = checkClientFrame(decoded);
  return !check.ok ? "error" : check.frame.t === "token" ? "token" : "none";
}

/** Sends `frames` and a token request, and waits for every answer they should get (the first token came on open). */
async function sendThenAskToken(client: HostileSocket, frames: Uint8Array[]): Promise<{ errors: number; tokens: number }> {
  await client.waitFrames(1);
  const expected = frames.map(expectedReply);
  const errors = expected.filter((r) => r === "error").length;
  const tokens = 2 + expected.filter((r) => r === "token").length;
  for (const frame of frames) client.socket.send(frame);
  client.socket.send(pack({ t: "token" }));
  await client.waitFrames(errors + tokens, 10_000);
  return { errors, tokens };
}

const countOf = (client: HostileSocket, t: string) => client.frames.filter((f) => f.t === t).length;

const msgpackHeader = (...bytes: number[]) => Buffer.from(bytes);

describe("WS /v1/stream against hostile clients", () => {
  it("refuses, at the upgrade, origins not allowed for the site key, a missing origin and unknown site keys", async () => {
    const evil = await openStream(collector.url, { siteKey: SITE_KEY, origin: "https://evil.example", ip: nextIp() });
    const none = await openStream(collector.url, { siteKey: SITE_KEY, ip: nextIp() });
    const unknown = await openStream(collector.url, { siteKey: "pk_nobody", origin: ORIGIN, ip: nextIp() });
    expect([evil.ok, none.ok, unknown.ok]).toEqual([false, false, false]);
    expect([!evil.ok && evil.status, !none.ok && none.status, !unknown.ok && unknown.status]).toEqual([403, 403, 404]);
  });

  it("answers malformed msgpack, wrong types, deep nesting and huge declared lengths with an error frame, and keeps the socket", async () => {
    const hostile: Uint8Array[] = [
      msgpackHeader(0xc1),
      msgpackHeader(0xdd, 0xff, 0xff, 0xff, 0xff, 0x01), // array32 of 4 billion items, one present
      msgpackHeader(0xdf, 0xff, 0xff, 0xff, 0xff), // map32 of 4 billion pairs
      msgpackHeader(0xdb, 0xff, 0xff, 0xff, 0xf0, 0x61), // str32 of 4 GB
      msgpackHeader(0xc6, 0x7f, 0xff, 0xff, 0xff), // bin32 of 2 GB
      msgpackHeader(0xc9, 0xff, 0xff, 0xff, 0xff, 0x01), // ext32
      Buffer.concat([Buffer.alloc(MAX_FRAME_BYTES - 1, 0x91), msgpackHeader(0xc0)]), // arrays nested 16k deep
      Buffer.concat([msgpackHeader(0x82, 0xa1, 0x74, 0xa7), Buffer.from("signals"), msgpackHeader(0xa1, 0x64), Buffer.alloc(8000, 0x81 ^ 0x00).fill(0x81), msgpackHeader(0xc0)]),
      pack({ t: "signals", d: { screen: { width: "wide", height: -1, pixelRatio: 1e308, colorDepth: 1.5 } } }),
      pack({ t: "signals", d: { languages: Array.from({ length: 2000 }, () => "sv") } }),
      pack({ t: "report", m: "x".repeat(MAX_FRAME_BYTES - 100) }),
      pack({ t: "signals", d: { __proto__: { polluted: 1 }, constructor: { prototype: { polluted: 1 } } } }),
      pack({ t: 7 }),
      pack({ t: "token", extra: true }),
      pack([{ t: "token" }]),
      pack(null),
      pack(Number.MAX_SAFE_INTEGER),
      pack("token"),
      new Uint8Array(0),
    ];
    const client = await open();
    expect(await sendThenAskToken(client, hostile)).toEqual({ errors: hostile.length, tokens: 2 });
    expect(client.isOpen()).toBe(true);
    const replies = client.frames.slice(1);
    expect(replies.slice(0, -1).map((f) => f.t)).toEqual(Array(hostile.length).fill("error"));
    expect(replies.slice(0, -1).every((f) => f.t === "error" && /^(malformed_frame|invalid_frame)$/.test(f.code))).toBe(true);
    expect(replies.at(-1)).toMatchObject({ t: "token" });
    client.socket.close();
    await expectOthersServed();
  });

  it("answers random bytes and random msgpack with exactly the error frames and tokens the protocol calls for, and keeps the socket", async () => {
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 4000 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => pack(v)),
      fc.record({ t: fc.constantFrom("signals", "token", "report", "x"), d: fc.jsonValue({ maxDepth: 3 }), m: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: ["t"] }).map((v) => pack(v)),
    );
    const batches = fc.sample(fc.array(frame, { minLength: 100, maxLength: 150 }), Math.max(1, Math.ceil(fuzzRuns(600) / 125)));
    for (const batch of batches) {
      const client = await open();
      const expected = await sendThenAskToken(client, batch);
      expect(client.isOpen()).toBe(true);
      expect({ errors: countOf(client, "error"), tokens: countOf(client, "token") }).toEqual(expected);
      expect(client.frames.every((f) => f.t === "token" || (f.t === "error" && /^(malformed_frame|invalid_frame)$/.test(f.code)))).toBe(true);
      client.socket.close();
    }
    await expectOthersServed();
  }, fuzzTimeoutMs(60_000));

  it("closes the socket of a frame over maxPayloadLength, of a flood of frames and of a flood of token requests, with a reason", async () => {
    const big = await open();
    await big.waitFrames(1);
    big.socket.send(Buffer.alloc(MAX_FRAME_BYTES + 1024, 0xa0));
    const bigClose = await big.closed;
    expect(bigClose.code).not.toBe(1000);

    const flood = await open();
    await flood.waitFrames(1);
    for (let i = 0; i < 1000 && flood.isOpen(); i++) flood.socket.send(pack({ t: "signals", d: {} }));
    expect(await flood.closed).toEqual({ code: 1008, reason: "too many frames" });

    const greedy = await open();
    await greedy.waitFrames(1);
    for (let i = 0; i < 25; i++) greedy.socket.send(pack({ t: "token" }));
    expect(await greedy.closed).toEqual({ code: 1008, reason: "too many token requests" });
    expect(greedy.frames.length).toBeLessThanOrEqual(21);
    await expectOthersServed();
  });

  it("limits frames per address across sockets: past the address's budget its sockets are closed, other addresses are served", async () => {
    const ip = nextIp();
    const closes: { code: number; reason: string }[] = [];
    for (let i = 0; i < 10 && closes.length === 0; i++) {
      const client = await open(ip);
      await client.waitFrames(1);
      for (let j = 0; j < 190 && client.isOpen(); j++) client.socket.send(pack({ t: "bad" }));
      client.socket.send(pack({ t: "token" }));
      await client.waitFrames(192, 2000);
      if (!client.isOpen()) closes.push(await client.closed);
      client.socket.close();
    }
    expect(closes).toEqual([{ code: 1008, reason: "too many frames from this address" }]);
    await expectOthersServed();
  }, 60_000);

  it("holds at most 500 connections from one address, refusing the rest with 429 and Retry-After, and frees them on close", async () => {
    const ip = nextIp();
    const attempts = fuzzRuns(2000);
    const opened: HostileSocket[] = [];
    const refused: { status: number; retryAfter: string | undefined }[] = [];
    for (let i = 0; i < attempts; i += 250) {
      const batch = await Promise.all(Array.from({ length: Math.min(250, attempts - i) }, () => openStream(collector.url, { siteKey: SITE_KEY, origin: ORIGIN, ip })));
      for (const upgrade of batch) upgrade.ok ? opened.push(upgrade.client) : refused.push(upgrade);
    }
    expect(opened.length).toBe(500);
    expect(refused.length).toBe(attempts - 500);
    expect(refused.every((r) => r.status === 429 && Number(r.retryAfter) >= 1)).toBe(true);
    await expectOthersServed();
    const metrics = await (await fetch(`${collector.url}/metrics`)).text();
    expect(Number(/^vakt_stream_connections (\d+)/m.exec(metrics)?.[1])).toBeLessThanOrEqual(500);

    await Promise.all(opened.map((client) => (client.socket.close(), client.closed)));
    const again = await openStream(collector.url, { siteKey: SITE_KEY, origin: ORIGIN, ip });
    expect(again.ok || again.status).toBe(true);
    if (again.ok) again.client.socket.close();
  }, fuzzTimeoutMs(60_000));

  it("keeps serving, with bounded memory, while 100 readers that stopped reading each ask for all the answers they may", async () => {
    // A socket may ask for 20 tokens (under 1 KB each) and 180 error frames per 10 s. What the kernel
    // cannot take waits in uWS up to maxBackpressure (64 KB), past which uWS closes the socket.
    const slow = await Promise.all(Array.from({ length: 100 }, () => open()));
    for (const client of slow) {
      await client.waitFrames(1);
      (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      for (let i = 0; i < 19; i++) client.socket.send(pack({ t: "token" }));
      for (let i = 0; i < 180; i++) client.socket.send(pack({ t: "signals", d: { languages: [i] } }));
    }
    await expectOthersServed();
    for (const client of slow) client.socket.terminate();
    const { peakBytes } = collector.memory();
    expect(peakBytes).toBeLessThan(400 * 1024 * 1024);
    expect(collector.output()).not.toMatch(/^error:/m);
  });
});

describe("WS /v1/stream on shutdown", () => {
  it("closes open streams with 1001 on SIGTERM, so scripts reconnect elsewhere, and exits 0", async () => {
    const clients = await Promise.all([open(), open(), open()]);
    await Promise.all(clients.map((client) => client.waitFrames(1)));
    expect(await collector.stop()).toBe(0);
    for (const client of clients) expect((await client.closed).code).toBe(1001);
  });
});
