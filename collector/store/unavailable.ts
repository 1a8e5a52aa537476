import { HttpError } from "../errors.js";

/**
 * The store could not be reached (or did not answer in time). Routes answer 503 through the one error
 * mapper; the assessor answers with its fallback decision instead.
 */
export class StoreUnavailableError extends HttpError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(503, "unavailable", message, options);
    this.name = "StoreUnavailableError";
  }
}
