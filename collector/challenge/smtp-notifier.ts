import nodemailer, { type Transporter } from "nodemailer";
import { codeText } from "./messages.js";
import type { CodeMessage, Notifier } from "./notifier.js";

export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string;
  password?: string;
  /** The sender, e.g. `"Shop <no-reply@shop.example>"`. */
  from: string;
}

const TIMEOUT_MS = 10_000;

/** E-mails codes through an SMTP server (nodemailer), pooled connections, bounded waits. */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpOptions) {
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      pool: true,
      maxConnections: 2,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: TIMEOUT_MS,
      ...(options.user === undefined ? {} : { auth: { user: options.user, pass: options.password ?? "" } }),
    });
  }

  async send(message: CodeMessage): Promise<void> {
    const { subject, text } = codeText("email", message.lang, message.code, message.expiresInMinutes);
    await this.transport.sendMail({ from: this.options.from, to: message.to, subject, text });
  }

  /** Connects and greets the server once, e.g. at start, to report a wrong host or password early. */
  async verify(): Promise<void> {
    await this.transport.verify();
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
