import type { Cluster } from "ioredis";
import type { RedisClient } from "./connect.js";

type Arg = string | number | Buffer;

/** One write command and the hash tag of the key it touches (ops with the same tag share a slot). */
export interface Op {
  tag: string;
  command: [name: string, ...args: Arg[]];
}

/** The hash tag of a key built in keys.ts: the text between the first `{` and the next `}`. */
export function tagOf(key: string): string {
  const open = key.indexOf("{");
  const close = key.indexOf("}", open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

export const op = (key: string, name: string, ...args: Arg[]): Op => ({ tag: tagOf(key), command: [name, key, ...args] });

/**
 * Applies write phases in order and resolves once the server acknowledged every command.
 *
 * On one server all phases go in one MULTI: atomic, one round trip. On a cluster a MULTI cannot span
 * slots, so each phase is sent as one MULTI per hash tag (atomic within a slot), all tags at once, and
 * the next phase starts only after the previous one was acknowledged: what a later phase indexes is
 * already there if the writer dies in between.
 */
export async function applyPhases(client: RedisClient, isCluster: boolean, phases: Op[][]): Promise<unknown[]> {
  if (!isCluster) return exec(client, phases.flat());
  const results: unknown[] = [];
  for (const phase of phases) {
    const byTag = new Map<string, Op[]>();
    for (const o of phase) byTag.set(o.tag, [...(byTag.get(o.tag) ?? []), o]);
    const groups = await Promise.all([...byTag.values()].map((ops) => (ops.length === 1 ? single(client as Cluster, ops[0]!) : exec(client, ops))));
    results.push(...groups.flat());
  }
  return results;
}

async function single(client: Cluster, o: Op): Promise<unknown[]> {
  const [name, ...args] = o.command;
  return [await (client as unknown as Record<string, (...a: Arg[]) => Promise<unknown>>)[name]!(...args)];
}

async function exec(client: RedisClient, ops: Op[]): Promise<unknown[]> {
  if (ops.length === 0) return [];
  const replies = await client.multi(ops.map((o) => o.command as unknown as string[])).exec();
  if (replies === null) throw new Error("redis discarded the transaction");
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/**
 * On one server, the writes issued in one tick travel as one MULTI: one round trip, e.g. for an
 * attempt and its contact blob, recorded side by side. Each write still resolves with its own
 * replies, or fails with its own first error; all of them are acknowledged together. (A command
 * Redis refuses to queue would abort them all; every command here is built by the store, not taken
 * from input.)
 */
export class TickWrites {
  private queued: { ops: Op[]; resolve: (replies: unknown[]) => void; reject: (err: unknown) => void }[] = [];

  constructor(private readonly client: RedisClient) {}

  apply(ops: Op[]): Promise<unknown[]> {
    if (ops.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      if (this.queued.push({ ops, resolve, reject }) === 1) queueMicrotask(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queued;
    this.queued = [];
    const commands = batch.flatMap((write) => write.ops.map((o) => o.command as unknown as string[]));
    this.client
      .multi(commands)
      .exec()
      .then(
        (replies) => {
          if (replies === null) throw new Error("redis discarded the transaction");
          let at = 0;
          for (const write of batch) {
            const own = replies.slice(at, (at += write.ops.length));
            const failed = own.find(([err]) => err);
            if (failed) write.reject(failed[0]);
            else write.resolve(own.map(([, value]) => value));
          }
        },
      )
      .catch((err: unknown) => batch.forEach((write) => write.reject(err)));
  }
}
