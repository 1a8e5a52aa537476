/**
 * The signals, in the order the agent collects them. Each is a function that does its work only when
 * called. The synchronous ones go out in the first frame; the fingerprint follows when it resolves.
 * Behaviour (fields, pointer, page) is watched from the start and sent as it changes.
 */
import type { EnvironmentSignals } from "../protocol.js";
import { getAutomation } from "./automation.js";
import { getLanguages } from "./languages.js";
import { getPlatform } from "./platform.js";
import { getScreen } from "./screen.js";
import { getTimezone } from "./timezone.js";
import { getUserAgent } from "./user-agent.js";
import { getWebdriver } from "./webdriver.js";

export { watchBehaviour, type Behaviour, type BehaviourGroup } from "./behaviour.js";
export { getFingerprint, type FingerprintSignals } from "./fingerprint.js";

/** One synchronous signal: the `EnvironmentSignals` field it fills and the function that reads it. */
export type SyncSignal = {
  [K in keyof EnvironmentSignals]-?: readonly [K, () => NonNullable<EnvironmentSignals[K]>];
}[keyof EnvironmentSignals];

export const SYNC_SIGNALS: readonly SyncSignal[] = [
  ["webdriver", getWebdriver],
  ["userAgent", getUserAgent],
  ["platform", getPlatform],
  ["timezone", getTimezone],
  ["languages", getLanguages],
  ["screen", getScreen],
  ["automation", getAutomation],
];
