/** IANA time zone name, e.g. `Europe/Stockholm`. */
export function getTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
