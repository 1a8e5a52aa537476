import { describe, expect, it } from "vitest";
import type { IdentifierKind } from "../../identity/normalise.js";
import { fraudField, fraudValue, GraylistMirror, type GraylistSource } from "./graylist-mirror.js";

/** The list as Redis keeps it (scripts.ts putFraudEntries): a hash, a version and a log, with what each call read. */
class FakeRedis implements GraylistSource {
  readonly hash = new Map<string, string>();
  log: [string, string[]][] = [];
  versionId: string | null = null;
  private ms = 1000;
  calls: string[] = [];

  /** One label's changes: value undefined removes the field. */
  write(changes: [field: string, value: string | undefined][]): string {
    const id = `${++this.ms}-0`;
    const pairs = ["p", this.versionId ?? ""];
    for (const [field, value] of changes) {
      if (value === undefined) this.hash.delete(field);
      else this.hash.set(field, value);
      pairs.push(field, value ?? "");
    }
    this.log.push([id, pairs]);
    this.versionId = id;
    return id;
  }

  async version() {
    this.calls.push("version");
    return this.versionId;
  }
  async size() {
    this.calls.push("size");
    return this.hash.size;
  }
  async scan(cursor: string, count: number): Promise<[string, string[]]> {
    this.calls.push("scan");
    const all = [...this.hash].slice(Number(cursor), Number(cursor) + count);
    const next = Number(cursor) + count >= this.hash.size ? "0" : String(Number(cursor) + count);
    return [next, all.flat()];
  }
  async range(startId: string, count: number): Promise<[string, string[]][]> {
    this.calls.push("range");
    const key = (id: string) => id.split("-").map(Number) as [number, number];
    const after = (id: string) => startId === "-" || key(id)[0] > key(startId)[0] || (key(id)[0] === key(startId)[0] && key(id)[1] >= key(startId)[1]);
    return this.log.filter(([id]) => after(id)).slice(0, count);
  }
}

const ref = (kind: IdentifierKind, hash: string) => ({ kind, hash });
const put = (kind: IdentifierKind, hash: string, attemptId: string, atMs = 5): [string, string] => [fraudField(kind, hash), fraudValue(attemptId, atMs)];

async function ready(mirror: GraylistMirror, redis: FakeRedis) {
  for (let i = 0; i < 100; i++) {
    const view = await mirror.viewAt(redis.versionId);
    if (view) return view;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error("the mirror never became ready");
}

describe("GraylistMirror", () => {
  it("loads the list, then answers from memory while the version read with the assess is unchanged", async () => {
    const redis = new FakeRedis();
    redis.write([put("phone", "p1", "att_a", 7), put("email", "e1", "att_a", 7)]);
    const mirror = new GraylistMirror(redis);
    expect(await mirror.viewAt(redis.versionId)).toBeUndefined();
    const view = await ready(mirror, redis);
    expect(view.lookup(ref("phone", "p1"))).toEqual({ list: "fraud", kind: "phone", hash: "p1", attemptId: "att_a", atMs: 7 });
    expect(view.lookup(ref("phone", "p2"))).toBeUndefined();
    redis.calls = [];
    expect(await mirror.viewAt(redis.versionId)).toBe(view);
    expect(redis.calls).toEqual([]);
  });

  it("applies the log since its version when another collector labelled, removals included", async () => {
    const redis = new FakeRedis();
    redis.write([put("phone", "p1", "att_a")]);
    const mirror = new GraylistMirror(redis);
    await ready(mirror, redis);
    redis.write([put("card", "c1", "att_b")]);
    redis.write([[fraudField("phone", "p1"), undefined]]);
    redis.calls = [];
    const view = (await mirror.viewAt(redis.versionId))!;
    expect(redis.calls).toEqual(["range"]);
    expect(view.lookup(ref("card", "c1"))?.attemptId).toBe("att_b");
    expect(view.lookup(ref("phone", "p1"))).toBeUndefined();
  });

  it("starts from an empty list and follows its first label", async () => {
    const redis = new FakeRedis();
    const mirror = new GraylistMirror(redis);
    expect((await ready(mirror, redis)).lookup(ref("phone", "p1"))).toBeUndefined();
    redis.write([put("phone", "p1", "att_a")]);
    expect((await mirror.viewAt(redis.versionId))!.lookup(ref("phone", "p1"))?.attemptId).toBe("att_a");
  });

  it("reloads the whole list when the log no longer follows on from its version (trimmed, or lost in a Redis restart)", async () => {
    const redis = new FakeRedis();
    redis.write([put("phone", "p1", "att_a")]);
    const mirror = new GraylistMirror(redis);
    await ready(mirror, redis);
    redis.write([put("card", "c1", "att_b")]);
    redis.write([[fraudField("phone", "p1"), undefined]]);
    redis.log = redis.log.slice(2);
    // No view until the reload is done: the caller looks the list up in Redis meanwhile.
    expect(await mirror.viewAt(redis.versionId)).toBeUndefined();
    const view = await ready(mirror, redis);
    expect(view.lookup(ref("card", "c1"))?.attemptId).toBe("att_b");
    expect(view.lookup(ref("phone", "p1"))).toBeUndefined();
  });

  it("forgets the list when Redis no longer has it (flushed)", async () => {
    const redis = new FakeRedis();
    redis.write([put("phone", "p1", "att_a")]);
    const mirror = new GraylistMirror(redis);
    await ready(mirror, redis);
    redis.hash.clear();
    redis.log = [];
    redis.versionId = null;
    expect(await mirror.viewAt(null)).toBeUndefined();
    expect((await ready(mirror, redis)).lookup(ref("phone", "p1"))).toBeUndefined();
  });

  it("mirrors no list larger than its bound, and picks up changes made while it scanned", async () => {
    const redis = new FakeRedis();
    for (let i = 0; i < 5; i++) redis.write([put("phone", `p${i}`, "att_a")]);
    const small = new GraylistMirror(redis, undefined, 4);
    small.startLoad();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await small.viewAt(redis.versionId)).toBeUndefined();

    const scanning = new GraylistMirror(
      Object.assign(Object.create(redis) as FakeRedis, {
        scan: async (cursor: string, count: number) => {
          const page = await redis.scan(cursor, count);
          if (cursor === "0") redis.write([put("email", "e1", "att_c")]);
          return page;
        },
      }),
    );
    expect((await ready(scanning, redis)).lookup(ref("email", "e1"))?.attemptId).toBe("att_c");
  });
});
