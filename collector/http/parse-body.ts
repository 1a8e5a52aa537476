import type { z } from "zod";
import { HttpError } from "../errors.js";
import { formatPath } from "../validation.js";

/**
 * Parses a request body with a schema; the first problem becomes a 400 naming its field. `read`, when
 * given, is a quicker reader of the same schema for bodies it plainly accepts (undefined otherwise).
 */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown, read?: (value: unknown) => z.output<T> | undefined): z.output<T> {
  const quick = read?.(value);
  if (quick !== undefined) return quick;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = formatPath(issue.path);
  throw new HttpError(400, "invalid_request", path ? `${path}: ${issue.message}` : issue.message, { path });
}
