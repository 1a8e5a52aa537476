import { cpus, loadavg } from "node:os";

/** The machine a figure was measured on, with the 1-minute load average as it was measured (above ~0.5, others were using the cores). */
export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  loadAverage: number;
}

export function machine(): Machine {
  return { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version, loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100 };
}

/** The prefix of every printed result line: cores and load average. */
export function machineTag(at: Machine): string {
  return `[${at.cores} cores, load ${at.loadAverage}]`;
}
