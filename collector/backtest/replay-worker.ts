import { Packr, Unpackr } from "msgpackr";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { IDENTIFIER_KINDS } from "../identity/normalise.js";
import { RULES_BY_ID } from "../rules/index.js";
import type { Policy } from "../rules/policy.js";
import type { Ruleset } from "../rules/ruleset.js";
import type { Severity } from "../rules/types.js";
import type { IdentifierHashes, Label } from "../store/types.js";
import { LABEL_CODES, ReplayIdentifiers, ReplayLane, type Evaluated } from "./replay-lane.js";

/** A validated ruleset as plain data for a worker: each rule by its id, with its parsed parameters. */
export interface PortableRuleset {
  description?: string;
  policy: Policy;
  rules: { id: string; params: unknown; budgetMs: number; onTimeout: Severity }[];
}

/**
 * Consecutive attempts in replay order from `from`: what every lane records, and, where not null,
 * what the worker evaluates. Identifiers travel as the numbers of the replay store's keys (see
 * ReplayKeys), IDENTIFIER_KINDS.length per attempt, -1 for none; labels as LABEL_CODES.
 */
export interface WorkerChunk {
  from: number;
  tsMs: Float64Array;
  keys: Int32Array;
  labels: Uint8Array;
  /** (Evaluated | null)[] packed by a ChunkPacker. */
  evaluated: Uint8Array;
}

const KINDS = IDENTIFIER_KINDS.length;
/** msgpack records, plain JSON-like values only. */
const PACK_OPTIONS = { useRecords: true, moreTypes: false, structuredClone: false } as const;

/** Packs attempts for the worker. msgpack records (each object shape written once) unpack about 2.5 times faster than JSON parses. */
export class ChunkPacker {
  private readonly packr = new Packr(PACK_OPTIONS);

  pack(from: number, tsMs: number[], ids: IdentifierHashes<number>[], labels: (Label | null)[], evaluated: (Evaluated | null)[]): WorkerChunk {
    const count = tsMs.length;
    const keys = new Int32Array(count * KINDS).fill(-1);
    const labelCodes = new Uint8Array(count);
    for (let k = 0; k < count; k++) {
      const attemptIds = ids[k]!;
      for (let kind = 0; kind < KINDS; kind++) {
        const key = attemptIds[IDENTIFIER_KINDS[kind]!];
        if (key !== undefined) keys[k * KINDS + kind] = key;
      }
      labelCodes[k] = LABEL_CODES.indexOf(labels[k]!);
    }
    // A copy: the packer reuses its buffer for the next chunk.
    return { from, tsMs: Float64Array.from(tsMs), keys, labels: labelCodes, evaluated: Uint8Array.from(this.packr.pack(evaluated)) };
  }
}

/** A packed chunk's buffers, moved to the worker rather than copied (each is the chunk's own). */
export function transferList(chunk: WorkerChunk): ArrayBuffer[] {
  return [chunk.tsMs.buffer, chunk.keys.buffer, chunk.labels.buffer, chunk.evaluated.buffer] as ArrayBuffer[];
}

/** The worker's side of ChunkPacker: the keys the main thread's store gave, back as each attempt's identifiers. */
class ChunkUnpacker {
  private readonly unpackr = new Unpackr(PACK_OPTIONS);

  evaluated(chunk: WorkerChunk): (Evaluated | null)[] {
    return this.unpackr.unpack(chunk.evaluated) as (Evaluated | null)[];
  }

  ids(chunk: WorkerChunk, k: number): IdentifierHashes<number> {
    const ids: IdentifierHashes<number> = new ReplayIdentifiers();
    for (let kind = 0; kind < KINDS; kind++) {
      const key = chunk.keys[k * KINDS + kind]!;
      if (key >= 0) ids[IDENTIFIER_KINDS[kind]!] = key;
    }
    return ids;
  }

  label(chunk: WorkerChunk, k: number): Label | null {
    return LABEL_CODES[chunk.labels[k]!]!;
  }
}

export function portableRuleset(ruleset: Ruleset): PortableRuleset {
  const portable: PortableRuleset = {
    policy: ruleset.policy,
    rules: ruleset.rules.map(({ definition, params, budgetMs, onTimeout }) => ({ id: definition.id, params, budgetMs, onTimeout })),
  };
  if (ruleset.description !== undefined) portable.description = ruleset.description;
  return portable;
}

/** The parameters were validated by parseRuleset on the main thread; a worker only puts the definitions back. */
export function rulesetOf(portable: PortableRuleset): Ruleset {
  const ruleset: Ruleset = {
    policy: portable.policy,
    rules: portable.rules.map(({ id, params, budgetMs, onTimeout }) => ({ definition: RULES_BY_ID.get(id)!, params, budgetMs, onTimeout })),
  };
  if (portable.description !== undefined) ruleset.description = portable.description;
  return ruleset;
}

interface LaneData {
  candidate: PortableRuleset;
  baseline?: PortableRuleset;
  labelDelayMs: number;
  /** Attempts this worker has gone through, for the main thread's pacing and progress. */
  progress: Int32Array;
}

/** The worker's side of a two-thread replay (see `replay`): chunks (WorkerChunk) in order, then "end" → its lane's result. */
function runLane(data: LaneData, port: NonNullable<typeof parentPort>): void {
  const lane = new ReplayLane(rulesetOf(data.candidate), data.baseline ? rulesetOf(data.baseline) : undefined, data.labelDelayMs);
  const unpacker = new ChunkUnpacker();
  // A chunk's attempts are replayed after the previous chunk's, whatever the rules await.
  let done: Promise<void> = Promise.resolve();
  port.on("message", (message: WorkerChunk | "end") => {
    done = done.then(() => replayChunk(lane, unpacker, message, data.progress, port)).catch((err: unknown) => {
      // Thrown outside the promise, it ends the worker with an "error" event the main thread awaits.
      setImmediate(() => {
        throw err;
      });
    });
  });
}

async function replayChunk(lane: ReplayLane, unpacker: ChunkUnpacker, chunk: WorkerChunk | "end", progress: Int32Array, port: NonNullable<typeof parentPort>): Promise<void> {
  if (chunk === "end") {
    port.postMessage(lane.result());
    return;
  }
  const evaluated = unpacker.evaluated(chunk);
  const { from, tsMs } = chunk;
  for (let k = 0; k < tsMs.length; k++) {
    const pending = lane.next(from + k, tsMs[k]!, unpacker.ids(chunk, k), unpacker.label(chunk, k), evaluated[k] ?? undefined);
    if (pending) await pending;
  }
  Atomics.store(progress, 0, from + tsMs.length);
}

if (!isMainThread && parentPort && workerData?.replayLane) runLane(workerData.replayLane as LaneData, parentPort);
