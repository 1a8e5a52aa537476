import { parsePhoneNumberFromString } from "libphonenumber-js";

const DOT = "\u2022";

/** `anna.berg@example.se` → `a•••@example.se`: enough for the shopper to recognise, too little to learn. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return DOT.repeat(3);
  return `${email[0]}${DOT.repeat(3)}${email.slice(at)}`;
}

/** `+46701234567` → `+46 •• ••• •• 67`: the country code and the last two digits, every other digit hidden. */
export function maskPhone(phone: string): string {
  const parsed = parsePhoneNumberFromString(phone);
  if (parsed) {
    const formatted = parsed.formatInternational();
    const space = formatted.indexOf(" ");
    const prefix = space === -1 ? `+${parsed.countryCallingCode}` : formatted.slice(0, space);
    const rest = space === -1 ? formatted.slice(prefix.length) : formatted.slice(space);
    return prefix + hideAllButLast(rest, 2);
  }
  const digits = phone.replace(/\D/g, "");
  return hideAllButLast(digits, 2);
}

function hideAllButLast(text: string, keep: number): string {
  let digitsLeft = (text.match(/\d/g) ?? []).length;
  let out = "";
  for (const char of text) {
    if (/\d/.test(char)) {
      out += digitsLeft > keep ? DOT : char;
      digitsLeft -= 1;
    } else out += char;
  }
  return out;
}
