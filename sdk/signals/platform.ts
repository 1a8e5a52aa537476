/** User-Agent Client Hints where the browser has them (Chromium), `navigator.platform` elsewhere. */
export function getPlatform(): string {
  const clientHints = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData;
  return clientHints?.platform || navigator.platform;
}
