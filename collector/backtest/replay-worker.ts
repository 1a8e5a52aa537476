import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { RULES_BY_ID } from "../rules/index.js";
import type { Policy } from "../rules/policy.js";
import type { Ruleset } from "../rules/ruleset.js";
import type { Severity } from "../rules/types.js";
import type { IdentifierHashes, Label } from "../store/types.js";
import { ReplayLane, type Evaluated } from "./replay-lane.js";

/** A validated ruleset as plain data for a worker: each rule by its id, with its parsed parameters. */
export interface PortableRuleset {
  description?: string;
  policy: Policy;
  rules: { id: string; params: unknown; budgetMs: number; onTimeout: Severity }[];
}

/** Consecutive attempts in replay order from `from`: what every lane records, and, where not null, what the worker evaluates. */
export interface WorkerChunk {
  from: number;
  tsMs: number[];
  ids: IdentifierHashes[];
  labels: (Label | null)[];
  evaluated: (Evaluated | null)[];
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
function rulesetOf(portable: PortableRuleset): Ruleset {
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

/** The worker's side of a two-thread replay (see `replay`): chunks (WorkerChunk as JSON) in order, then "end" → its lane's result. */
function runLane(data: LaneData, port: NonNullable<typeof parentPort>): void {
  const lane = new ReplayLane(rulesetOf(data.candidate), data.baseline ? rulesetOf(data.baseline) : undefined, data.labelDelayMs);
  // A chunk's attempts are replayed after the previous chunk's, whatever the rules await.
  let done: Promise<void> = Promise.resolve();
  port.on("message", (message: string) => {
    done = done.then(() => replayChunk(lane, message, data.progress, port)).catch((err: unknown) => {
      // Thrown outside the promise, it ends the worker with an "error" event the main thread awaits.
      setImmediate(() => {
        throw err;
      });
    });
  });
}

async function replayChunk(lane: ReplayLane, message: string, progress: Int32Array, port: NonNullable<typeof parentPort>): Promise<void> {
  if (message === "end") {
    port.postMessage(lane.result());
    return;
  }
  const { from, tsMs, ids, labels, evaluated } = JSON.parse(message) as WorkerChunk;
  for (let k = 0; k < tsMs.length; k++) {
    const pending = lane.next(from + k, tsMs[k]!, ids[k]!, labels[k]!, evaluated[k] ?? undefined);
    if (pending) await pending;
  }
  Atomics.store(progress, 0, from + tsMs.length);
}

if (!isMainThread && parentPort && workerData?.replayLane) runLane(workerData.replayLane as LaneData, parentPort);
