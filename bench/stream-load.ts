import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { unpack } from "msgpackr";
import WebSocket from "ws";
import { STREAM_PATH } from "../sdk/protocol.js";
import { latencySummary, type Latency } from "./assess-load.js";
import { encodedFingerprint, encodedRounds, FINGERPRINT_INDEX } from "./stream-frames.js";

/**
 * The stream load generator, a process of its own (`ws` clients). `stream`: `sessions` sockets, each
 * sending a round of `frames` frames (the last a token request) every `intervalMs` at most, the next
 * round only once the last was answered; a round's ack latency runs from its first send to the token
 * that answers it, and the frames before it were handled in order. Each session opens as the script
 * does (its first token, then its fingerprint and the token that carries its device) and sends that
 * same fingerprint in every round, so its rounds ask for no other token. `idle`: opens `sessions` sockets,
 * waits for each one's token, reports, and holds them until told to close.
 */
export interface StreamLoadPlan {
  mode: "stream" | "idle";
  url: string;
  siteKey: string;
  origin: string;
  sessions: number;
  connectConcurrency: number;
  frames: number;
  intervalMs: number;
  warmupSeconds: number;
  seconds: number;
}

export interface StreamLoadResult {
  sessions: number;
  connected: number;
  connectFailures: number;
  connectSeconds: number;
  /** Frames answered (acknowledged by the token after them) per second within the measured window. */
  framesPerSecond: number;
  offeredFramesPerSecond: number;
  rounds: number;
  unanswered: number;
  errorFrames: number;
  closedByServer: number;
  ackLatencyMs: Latency;
  /** CPU this load process used during the measured window, in cores: near 1, the client was the limit. */
  clientCpuCores: number;
}

const CONNECT_TIMEOUT_MS = 30_000;
const GRACE_MS = 10_000;

interface Client {
  ws: WebSocket;
  /** This session's own fingerprint frame. */
  fingerprint: Uint8Array;
  roundStartedAt: number;
  isWaiting: boolean;
  round: number;
}

function connect(plan: StreamLoadPlan, session: number, onFrame: (client: Client, frame: { t?: string }) => void): Promise<Client> {
  const url = `${plan.url.replace(/^http/, "ws")}${STREAM_PATH}?k=${encodeURIComponent(plan.siteKey)}`;
  const ws = new WebSocket(url, { origin: plan.origin, perMessageDeflate: false });
  const client: Client = { ws, fingerprint: encodedFingerprint(session), roundStartedAt: 0, isWaiting: false, round: 0 };
  // Streaming sessions wait for two tokens (the first, then the device's); idle ones for the first.
  let tokensToOpen = plan.mode === "stream" ? 2 : 1;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (ws.terminate(), reject(new Error("timeout"))), CONNECT_TIMEOUT_MS);
    ws.on("message", (data: Buffer) => {
      const frame = unpack(data) as { t?: string };
      if (tokensToOpen > 0 && frame.t === "token") {
        if (--tokensToOpen > 0) return void ws.send(client.fingerprint);
        clearTimeout(timer);
        resolve(client);
      } else onFrame(client, frame);
    });
    ws.once("unexpected-response", (_req, res) => (clearTimeout(timer), reject(new Error(`upgrade refused: ${res.statusCode}`))));
    ws.once("error", (err) => (clearTimeout(timer), reject(err)));
  });
}

async function connectAll(plan: StreamLoadPlan, onFrame: (client: Client, frame: { t?: string }) => void): Promise<{ clients: Client[]; failures: number; seconds: number }> {
  const clients: Client[] = [];
  let failures = 0;
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(plan.connectConcurrency, plan.sessions) }, async () => {
      while (next < plan.sessions) {
        await connect(plan, next++, onFrame).then(
          (client) => void clients.push(client),
          () => void failures++,
        );
      }
    }),
  );
  return { clients, failures, seconds: Math.round(performance.now() - startedAt) / 1000 };
}

async function stream(plan: StreamLoadPlan): Promise<StreamLoadResult> {
  const rounds = encodedRounds(64, plan.frames);
  const latencies: number[] = [];
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureTo = Number.POSITIVE_INFINITY;
  let framesInWindow = 0;
  let errorFrames = 0;
  let roundsCounted = 0;
  let outstanding = 0;
  let wakeWhenDrained: (() => void) | undefined;

  const sendRound = (client: Client) => {
    const now = performance.now();
    if (now >= measureTo || client.ws.readyState !== WebSocket.OPEN) return;
    client.roundStartedAt = now;
    client.isWaiting = true;
    outstanding++;
    const raw = (client.ws as unknown as { _socket: Socket })._socket;
    raw.cork();
    const round = rounds[client.round++ % rounds.length]!;
    for (let i = 0; i < round.length; i++) client.ws.send(i === FINGERPRINT_INDEX ? client.fingerprint : round[i]!);
    raw.uncork();
  };
  const onFrame = (client: Client, frame: { t?: string }) => {
    if (frame.t === "error") errorFrames++;
    if (frame.t !== "token" || !client.isWaiting) return;
    const now = performance.now();
    client.isWaiting = false;
    outstanding--;
    if (now >= measureFrom && now < measureTo) framesInWindow += plan.frames;
    if (client.roundStartedAt >= measureFrom && client.roundStartedAt < measureTo) {
      latencies.push(now - client.roundStartedAt);
      roundsCounted++;
    }
    if (now < measureTo) setTimeout(() => sendRound(client), Math.max(0, client.roundStartedAt + plan.intervalMs - now));
    else if (outstanding === 0) wakeWhenDrained?.();
  };

  const { clients, failures, seconds: connectSeconds } = await connectAll(plan, onFrame);
  let closedByServer = 0;
  for (const client of clients) client.ws.once("close", () => closedByServer++);
  const startAt = performance.now();
  measureFrom = startAt + plan.warmupSeconds * 1000;
  measureTo = measureFrom + plan.seconds * 1000;
  for (const client of clients) setTimeout(() => sendRound(client), Math.random() * plan.intervalMs);

  await new Promise((resolve) => setTimeout(resolve, measureFrom - performance.now()));
  const cpuBefore = process.cpuUsage();
  process.send!({ phase: "measuring" });
  await new Promise((resolve) => setTimeout(resolve, measureTo - performance.now()));
  const cpu = process.cpuUsage(cpuBefore);
  process.send!({ phase: "measured" });
  await new Promise<void>((resolve) => {
    wakeWhenDrained = resolve;
    if (outstanding === 0) resolve();
    setTimeout(resolve, GRACE_MS);
  });
  const unanswered = clients.filter((client) => client.isWaiting).length;
  for (const client of clients) {
    // A round still unanswered counts with at least the time it waited.
    if (client.isWaiting && client.roundStartedAt >= measureFrom) latencies.push(performance.now() - client.roundStartedAt);
    client.ws.removeAllListeners("close");
    client.ws.terminate();
  }
  return {
    sessions: plan.sessions,
    connected: clients.length,
    connectFailures: failures,
    connectSeconds,
    framesPerSecond: Math.round(framesInWindow / plan.seconds),
    offeredFramesPerSecond: Math.round((clients.length * plan.frames * 1000) / plan.intervalMs),
    rounds: roundsCounted,
    unanswered,
    errorFrames,
    closedByServer,
    ackLatencyMs: latencySummary(latencies),
    clientCpuCores: Math.round(((cpu.user + cpu.system) / 1000 / (plan.seconds * 1000)) * 100) / 100,
  };
}

async function idle(plan: StreamLoadPlan): Promise<void> {
  const { clients, failures, seconds } = await connectAll(plan, () => {});
  let closedByServer = 0;
  for (const client of clients) client.ws.once("close", () => closedByServer++);
  process.send!({ ready: { sessions: plan.sessions, connected: clients.length, connectFailures: failures, connectSeconds: seconds } });
  await new Promise<void>((resolve) => process.once("message", () => resolve()));
  process.send!({ closed: { closedByServer } });
  for (const client of clients) client.ws.terminate();
}

if (process.send) {
  process.once("message", (plan: StreamLoadPlan) => {
    const run = plan.mode === "stream" ? stream(plan).then((result) => void process.send!({ result })) : idle(plan);
    run.then(
      () => process.disconnect(),
      (err: unknown) => {
        process.send!({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        process.disconnect();
      },
    );
  });
}
