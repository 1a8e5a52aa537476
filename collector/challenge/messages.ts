/** The languages the widget and the code messages speak. */
export const LANGS = ["en", "sv"] as const;
export type Lang = (typeof LANGS)[number];

export interface CodeText {
  subject: string;
  text: string;
}

/** The e-mail or text message carrying a code, in the shopper's language. */
export function codeText(channel: "email" | "phone", lang: Lang, code: string, expiresInMinutes: number): CodeText {
  if (lang === "sv") {
    return channel === "email"
      ? {
          subject: "Din verifieringskod",
          text: `Din verifieringskod är ${code}.\n\nDen gäller i ${expiresInMinutes} minuter. Skriv in den på sidan där du lade din beställning.\n\nHar du inte lagt någon beställning kan du bortse från det här meddelandet.\n`,
        }
      : { subject: "", text: `${code} är din verifieringskod. Den gäller i ${expiresInMinutes} minuter.` };
  }
  return channel === "email"
    ? {
        subject: "Your verification code",
        text: `Your verification code is ${code}.\n\nIt expires in ${expiresInMinutes} minutes. Enter it on the page where you placed your order.\n\nIf you did not place an order, you can ignore this message.\n`,
      }
    : { subject: "", text: `${code} is your verification code. It expires in ${expiresInMinutes} minutes.` };
}
