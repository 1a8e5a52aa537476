/** The widget's words, in English and Swedish. `{to}`, `{n}`, `{s}` and `{m}` are filled in. */
const en = {
  title: "Verify it’s you",
  intro: "To finish your order we need to check that it’s really you. Where should we send a one-time code?",
  email: "E-mail to {to}",
  phone: "Text message to {to}",
  send: "Send code",
  sending: "Sending…",
  sent: "We sent a code to {to}. It expires in {m} minutes.",
  codeLabel: "6-digit code",
  verify: "Verify",
  checking: "Checking…",
  resend: "Send a new code",
  resendIn: "Send a new code ({s} s)",
  other: "Use another way",
  invalid: "Enter the 6 digits from the message.",
  wrong: "That code is not right. {n} tries left.",
  wrongOne: "That code is not right. 1 try left.",
  expired: "This code has expired. Ask for a new one.",
  wait: "Please wait {s} seconds before asking for a new code.",
  noMore: "No more codes can be sent.",
  passed: "Thank you, you’re verified.",
  failed: "We couldn’t verify you here. Our team will check your order and be in touch.",
  error: "Something went wrong. Please try again.",
  retry: "Try again",
  loading: "Loading…",
};

export type Strings = typeof en;

const sv: Strings = {
  title: "Bekräfta att det är du",
  intro: "För att slutföra beställningen behöver vi kontrollera att det verkligen är du. Vart ska vi skicka en engångskod?",
  email: "E-post till {to}",
  phone: "Sms till {to}",
  send: "Skicka kod",
  sending: "Skickar…",
  sent: "Vi har skickat en kod till {to}. Den gäller i {m} minuter.",
  codeLabel: "Sexsiffrig kod",
  verify: "Bekräfta",
  checking: "Kontrollerar…",
  resend: "Skicka en ny kod",
  resendIn: "Skicka en ny kod ({s} s)",
  other: "Välj ett annat sätt",
  invalid: "Skriv de sex siffrorna från meddelandet.",
  wrong: "Koden stämmer inte. {n} försök kvar.",
  wrongOne: "Koden stämmer inte. 1 försök kvar.",
  expired: "Koden har gått ut. Be om en ny.",
  wait: "Vänta {s} sekunder innan du ber om en ny kod.",
  noMore: "Inga fler koder kan skickas.",
  passed: "Tack, nu är du verifierad.",
  failed: "Vi kunde inte verifiera dig här. Vi går igenom beställningen och hör av oss.",
  error: "Något gick fel. Försök igen.",
  retry: "Försök igen",
  loading: "Laddar…",
};

export type Lang = "en" | "sv";
export const STRINGS: Record<Lang, Strings> = { en, sv };

/** `sv`, `sv-SE`, `sv_FI` → sv; everything else → en. */
export function pickLang(...candidates: (string | null | undefined)[]): Lang {
  const first = candidates.find((c) => c);
  return first && /^sv\b/i.test(first) ? "sv" : "en";
}

export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ""));
}
