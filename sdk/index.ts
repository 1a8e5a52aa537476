/** Vakt for single-page apps: `import { start } from "vakt/sdk"`. */
export { start, type Agent, type StartOptions } from "./agent.js";
export { challenge, type ChallengeOptions, type ChallengeResult } from "./challenge.js";
