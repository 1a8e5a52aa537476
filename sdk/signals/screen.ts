import type { EnvironmentSignals } from "../protocol.js";

export function getScreen(): NonNullable<EnvironmentSignals["screen"]> {
  return { width: screen.width, height: screen.height, pixelRatio: devicePixelRatio, colorDepth: screen.colorDepth };
}
