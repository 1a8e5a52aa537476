import { codeText, type Lang } from "./messages.js";

export type Channel = "email" | "phone";

/** One code on its way to a shopper. `to` is the raw address or number; a notifier never logs it. */
export interface CodeMessage {
  channel: Channel;
  to: string;
  /** The masked form of `to`, safe for logs. */
  maskedTo: string;
  code: string;
  lang: Lang;
  expiresInMinutes: number;
  attemptId: string;
  siteKey: string;
}

/**
 * Delivers codes for one channel. Resolves once the message is handed over (e.g. accepted by the SMTP
 * server); rejects when it could not be, and the shopper is told to try again. An SMS gateway plugs in
 * here: implement `send` for `phone` and pass it to `startCollector(config, { notifiers: { phone } })`.
 */
export interface Notifier {
  send(message: CodeMessage): Promise<void>;
  close?(): Promise<void>;
}

export type Notifiers = Partial<Record<Channel, Notifier>>;

export interface OutboxMessage {
  channel: Channel;
  /** Masked: the outbox keeps no raw contact. */
  to: string;
  attemptId: string;
  siteKey: string;
  subject: string;
  text: string;
  atMs: number;
}

/**
 * The demo's notifier: delivers nothing, prints each code to the collector's log and keeps the last
 * messages in memory (for the demo shop's inbox page). Never for production: codes end up in logs.
 */
export class Outbox implements Notifier {
  private readonly messages: OutboxMessage[] = [];

  constructor(
    private readonly log: (line: string) => void,
    private readonly capacity = 50,
    private readonly now: () => number = Date.now,
  ) {}

  async send(message: CodeMessage): Promise<void> {
    const { subject, text } = codeText(message.channel, message.lang, message.code, message.expiresInMinutes);
    this.messages.push({ channel: message.channel, to: message.maskedTo, attemptId: message.attemptId, siteKey: message.siteKey, subject, text, atMs: this.now() });
    if (this.messages.length > this.capacity) this.messages.splice(0, this.messages.length - this.capacity);
    this.log(`outbox: code ${message.code} for ${message.attemptId} by ${message.channel === "email" ? "e-mail" : "text message"} to ${message.maskedTo}`);
  }

  /** The kept messages, newest first. */
  list(): readonly OutboxMessage[] {
    return [...this.messages].reverse();
  }
}
