import type { Evaluation } from "../engine.js";
import type { Decision } from "../rules/policy.js";
import type { TokenStatus } from "../token.js";

/** The body of a 200 from POST /v1/assess (CONTRACT §5). */
export interface AssessAnswer extends Evaluation {
  id: string;
  orderId: string;
  token: { status: TokenStatus };
  device: { id: string; firstSeen: string; attempts: number } | null;
  shadow: { ruleset: string; decision: Decision }[];
  /** Set once a step-up challenge ended: passed turns the decision into `allow`, failed into `review`. */
  challenge?: { status: "passed" | "failed"; at: string; channel?: "email" | "phone"; reason?: "wrong_codes" | "expired" | "no_contact" };
}
