import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCollector, type TestCollector } from "../helpers/collector.js";
import { keys } from "../../collector/store/keys.js";
import { nodeForKey, startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "../helpers/redis.js";

/** The server the tests kill: the only one, or one of the cluster's three masters. */
let server: RedisServer;
let cluster: RedisCluster | undefined;
let collector: TestCollector;
let orderSeq = 0;

interface Answer {
  status: number;
  body: { id: string; decision: string; matrix: { rule: string; status: string }[] };
}

const assess = async (email = `outage-${++orderSeq}@example.com`): Promise<Answer> =>
  collector.api("POST", "/v1/assess", { order: { id: `ord_outage_${++orderSeq}`, amount: 19900, currency: "SEK", email } });
const isFallback = (answer: Answer) => answer.body.matrix.some((m) => m.rule === "store_unavailable" && m.status === "error");
const health = async () => {
  const response = await fetch(`${collector.url}/healthz`);
  return { status: response.status, body: await response.json() };
};

/** Assess calls from a few concurrent clients, until stopped or MAX_REQUESTS; every answer is kept. */
function startLoad(concurrency = 4) {
  const MAX_REQUESTS = 5000;
  const answers: Answer[] = [];
  let isStopped = false;
  const workers = Array.from({ length: concurrency }, async () => {
    while (!isStopped && answers.length < MAX_REQUESTS) answers.push(await assess());
  });
  return {
    answers,
    async stop() {
      isStopped = true;
      await Promise.all(workers);
    },
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each([
  ["one Redis server", false],
  ["one master of a three-master cluster", true],
] as const)("%s going away under load", (_name, isCluster) => {
  beforeAll(async () => {
    if (isCluster) {
      cluster = await startRedisCluster();
      server = cluster.nodes[0]!;
      collector = await startTestCollector({ store: { kind: "redis", cluster: cluster.urls } });
    } else {
      server = await startRedis();
      collector = await startTestCollector({ store: { kind: "redis", url: server.url } });
    }
  });
  afterAll(async () => {
    await collector?.destroy();
    await (cluster ? cluster.destroy() : server?.destroy());
    cluster = undefined;
  });

  it("keeps answering with the fallback decision, refuses labels, reports degraded, and recovers by itself", async () => {
    const before = await assess("kept@example.com");
    expect(isFallback(before)).toBe(false);
    expect(await health()).toEqual({ status: 200, body: { ok: true } });

    // In the cluster, kill the master that holds the label's key, so the label below cannot be stored.
    if (cluster) server = await nodeForKey(cluster, keys.redis.label(before.body.id));
    const load = startLoad();
    let isDown = false;
    try {
      await until("answers before the kill", () => load.answers.length >= 20);
      await server.kill();
      isDown = true;
      const killedAt = load.answers.length;
      await until("fallback answers", () => load.answers.slice(killedAt).filter(isFallback).length >= 20);

      const fallback = load.answers.slice(killedAt).find(isFallback)!;
      expect(fallback.status).toBe(200);
      expect(fallback.body.decision).toBe("review");
      expect(await health()).toEqual({ status: 503, body: { ok: false, store: "unavailable" } });
      const label = await collector.api("POST", "/v1/labels", { attempt: before.body.id, label: "fraud" });
      expect(label.status).toBe(503);
      expect(label.body.error).toBe("unavailable");

      await server.restart();
      isDown = false;
      await until("healthy again", async () => (await health()).status === 200);
      const restartedAt = load.answers.length;
      await until("recorded answers again", () => load.answers.slice(restartedAt).some((a) => !isFallback(a)));
    } finally {
      await load.stop();
      if (isDown) await server.restart();
    }
    expect(load.answers.every((a) => a.status === 200)).toBe(true);

    // The attempt acknowledged before the crash survived it (AOF, fsync always), and labels work again.
    expect((await collector.api("GET", `/v1/attempts/${before.body.id}`)).status).toBe(200);
    expect((await collector.api("POST", "/v1/labels", { attempt: before.body.id, label: "fraud" })).status).toBe(200);
    // One line when it went, one when it came back: not one per failed request.
    expect(collector.logs.filter((line) => /redis .* unavailable/.test(line))).toHaveLength(1);
    expect(collector.logs.filter((line) => /redis .* connected again/.test(line))).toHaveLength(1);
  });

  it("answers with the fallback decision when Redis hangs, without waiting for it", async () => {
    // In the cluster, hang the master of the indexes, which every recorded attempt writes to.
    if (cluster) server = await nodeForKey(cluster, keys.redis.index("attempts"));
    server.pause();
    try {
      const answer = await assess();
      expect(answer.status).toBe(200);
      expect(isFallback(answer)).toBe(true);
      expect((await health()).status).toBe(503);
    } finally {
      server.resume();
    }
    await until("healthy again", async () => (await health()).status === 200);
    expect(isFallback(await assess())).toBe(false);
  });
});
