/** The browser's preferred languages, most preferred first, as a plain array. */
export function getLanguages(): string[] {
  return navigator.languages ? Array.from(navigator.languages) : [navigator.language];
}
