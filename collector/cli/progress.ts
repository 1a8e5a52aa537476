/** One self-overwriting status line on a terminal; silent when not enabled. At most ten redraws a second. */
export class Progress {
  private lastDrawMs = 0;
  private isDrawn = false;

  constructor(private readonly isEnabled: boolean, private readonly out: NodeJS.WriteStream) {}

  update(text: string): void {
    if (!this.isEnabled) return;
    const nowMs = Date.now();
    if (nowMs - this.lastDrawMs < 100) return;
    this.lastDrawMs = nowMs;
    this.out.write(`\r\x1b[2K${text}`);
    this.isDrawn = true;
  }

  done(): void {
    if (this.isDrawn) this.out.write("\r\x1b[2K");
    this.isDrawn = false;
  }
}
