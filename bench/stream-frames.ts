import type { ClientFrame, EnvironmentSignals, FieldRole, FieldSignals } from "../sdk/protocol.js";
import { encode } from "../sdk/transport/msgpack.js";

/**
 * What one shopper's script sends on its stream, in the shapes of sdk/protocol.ts and encoded by the
 * script's own encoder: the environment, then the fingerprint, then behaviour aggregates as fields
 * are filled (each group whole, as the agent sends them), and a token request last.
 */

const ROLES: FieldRole[] = ["email", "name", "phone", "address", "address", "card"];

function pick<T>(values: readonly T[], n: number): T {
  return values[n % values.length]!;
}

function environment(variant: number): ClientFrame {
  const d: EnvironmentSignals = {
    webdriver: false,
    userAgent: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${120 + (variant % 30)}.0.0.0 Safari/537.36`,
    platform: pick(["Win32", "MacIntel", "Linux x86_64", "iPhone"], variant),
    timezone: pick(["Europe/Stockholm", "Europe/Oslo", "Europe/Berlin", "America/New_York"], variant),
    languages: pick([["sv-SE", "sv", "en-US", "en"], ["nb-NO", "en"], ["de-DE", "de"]], variant),
    screen: { width: pick([1920, 1536, 1440, 390], variant), height: pick([1080, 864, 900, 844], variant), pixelRatio: pick([1, 1.25, 2, 3], variant), colorDepth: 24 },
    automation: { traces: [] },
  };
  return { t: "signals", d };
}

function fingerprint(variant: number): ClientFrame {
  const id = ((variant * 2654435761) >>> 0).toString(16).padStart(8, "0");
  return { t: "signals", d: { visitorId: `${id}${id}${id}${id}`, visitorConfidence: 0.4 + (variant % 6) / 10, fingerprintMs: 180 + (variant % 300) } };
}

function field(role: FieldRole, step: number, variant: number): FieldSignals {
  const typed = 6 + ((step * 7 + variant) % 20);
  return {
    role,
    keys: typed + 3,
    typed,
    pasted: variant % 11 === 0 ? 1 : 0,
    autofilled: variant % 5 === 0 ? 1 : 0,
    injected: 0,
    untrusted: 0,
    corrections: (step + variant) % 3,
    focuses: 1 + (step % 2),
    tabFocuses: step % 2,
    pointerFocuses: 1,
    focusMs: 1500 + step * 700 + (variant % 900),
  };
}

/** The behaviour aggregate after `step` batches: fields filled so far, the pointer and the page. */
function behaviour(step: number, variant: number): ClientFrame {
  const filled = Math.min(ROLES.length, 1 + Math.floor(step / 2));
  const onPageMs = 3000 + step * 1000 + (variant % 1000);
  return {
    t: "signals",
    d: {
      fields: ROLES.slice(0, filled).map((role, i) => field(role, step - i, variant)),
      pointer: {
        moves: 40 + step * 35,
        distancePx: 900 + step * 610.5,
        clicks: filled + 1,
        stillClicks: 0,
        taps: 0,
        approachMoves: 18.5 + (variant % 7),
        straightness: 0.62 + (variant % 30) / 100,
        speedPxPerS: 410.25 + (variant % 200),
      },
      page: { onPageMs, hides: 0, hiddenMs: 0, firstInputMs: 2100 + (variant % 800), submits: 0, keys: step * 12, presses: filled + 1, untrusted: 0, referrer: "https://www.example.se" },
    },
  };
}

/** Where a round carries its fingerprint frame: the load generator puts the session's own there. */
export const FINGERPRINT_INDEX = 1;

/**
 * One session's fingerprint frame, the same in each of its rounds: a page's device does not change,
 * and a new visitor id makes the collector issue a token (the one the load generator waits for when
 * it opens the session, as the script gets one after sending its fingerprint).
 */
export function encodedFingerprint(session: number): Uint8Array {
  return encode(fingerprint(session));
}

/** `variants` rounds of `frames` encoded frames each: environment, fingerprint, behaviour…, token request. */
export function encodedRounds(variants: number, frames: number): Uint8Array[][] {
  const rounds: Uint8Array[][] = [];
  for (let v = 0; v < variants; v++) {
    const round: ClientFrame[] = [environment(v), fingerprint(v)];
    for (let step = 0; round.length < frames - 1; step++) round.push(behaviour(step, v));
    round.push({ t: "token" });
    rounds.push(round.map((frame) => encode(frame)));
  }
  return rounds;
}
