import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from "node:crypto";
import type { Store } from "./store/types.js";

export interface Contact {
  email?: string;
  phone?: string;
}

const IV_BYTES = 12;
/** Random IVs drawn a few hundred at a time: one system call per ~340 sealed contacts instead of one each. */
const ivPool = Buffer.alloc(IV_BYTES * 340);
let ivOffset = ivPool.length;

function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  ivOffset += IV_BYTES;
  return Buffer.from(ivPool.subarray(ivOffset - IV_BYTES, ivOffset));
}

/** How long a challenged attempt's contact details are kept for sending a one-time code. */
export const CONTACT_TTL_MS = 60 * 60_000;

/**
 * The only raw personal data Vakt keeps: the e-mail and phone of an attempt that got `challenge`,
 * so the step-up check can send its code. Encrypted with AES-256-GCM under a key kept in the store,
 * bound to the attempt id, and deleted after an hour (reads after that find nothing).
 */
export class ContactVault {
  private constructor(
    private readonly store: Store,
    private readonly key: Buffer,
    private readonly now: () => number,
  ) {}

  static async open(store: Store, now: () => number = Date.now): Promise<ContactVault> {
    return new ContactVault(store, await store.getOrCreateSecret("contact-key", () => randomBytes(32)), now);
  }

  async keep(attemptId: string, contact: Contact): Promise<void> {
    if (!contact.email && !contact.phone) return;
    const iv = nextIv();
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(attemptId));
    const body = Buffer.concat([cipher.update(JSON.stringify(contact), "utf8"), cipher.final()]);
    await this.store.putContact(attemptId, Buffer.concat([iv, cipher.getAuthTag(), body]), this.now() + CONTACT_TTL_MS);
  }

  async read(attemptId: string): Promise<Contact | undefined> {
    const sealed = await this.store.getContact(attemptId, this.now());
    if (!sealed) return undefined;
    const decipher = createDecipheriv("aes-256-gcm", this.key, sealed.subarray(0, 12));
    decipher.setAAD(Buffer.from(attemptId));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString("utf8")) as Contact;
  }
}
