/**
 * A text that is equal for two parsed rule parameters only when they are equal values (plain objects,
 * arrays, Sets and Maps of strings, finite numbers, booleans and null), so two rulesets' configurations of a rule can
 * be recognised as the same. Undefined when the parameters hold anything else (nothing is assumed).
 */
export function paramsKey(params: unknown): string | undefined {
  const parts: string[] = [];
  return write(params, parts) ? parts.join("") : undefined;
}

function write(value: unknown, out: string[]): boolean {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    out.push(JSON.stringify(value));
    return true;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return false;
    out.push(String(value));
    return true;
  }
  if (typeof value !== "object") return false;
  if (Array.isArray(value)) return writeList("[", value, out);
  if (value instanceof Set) return writeList("Set[", [...value], out);
  if (value instanceof Map) return writeList("Map[", [...value].flat(), out);
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  out.push("{");
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    out.push(JSON.stringify(key), ":");
    if (!write(item, out)) return false;
    out.push(",");
  }
  out.push("}");
  return true;
}

function writeList(open: string, items: unknown[], out: string[]): boolean {
  out.push(open);
  for (const item of items) {
    if (!write(item, out)) return false;
    out.push(",");
  }
  out.push("]");
  return true;
}
