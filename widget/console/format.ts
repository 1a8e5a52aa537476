/** "3 min ago", "2 h ago", "4 d ago": how long an attempt has waited. */
export function age(iso: string, nowMs = Date.now()): string {
  const seconds = Math.max(0, (nowMs - Date.parse(iso)) / 1000);
  if (seconds < 90) return `${Math.round(seconds)} s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

export function when(iso: string): string {
  return iso.replace("T", " ").slice(0, 19) + " UTC";
}

export function ms(value: number): string {
  return value >= 10 ? `${value.toFixed(0)} ms` : value >= 1 ? `${value.toFixed(1)} ms` : `${value.toFixed(2)} ms`;
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return "0%";
  const share = (part / whole) * 100;
  if (share > 0 && share < 0.1) return "<0.1%";
  return `${share >= 10 || share === 0 ? share.toFixed(0) : share.toFixed(1)}%`;
}

export const KIND_NAMES: Record<string, string> = {
  device: "device",
  ip: "IP address",
  ip_net: "IP network",
  email: "e-mail",
  phone: "phone",
  card: "card",
  customer: "customer id",
  name: "orderer name",
  address: "shipping address",
};
