/** A line of backtest input that cannot be replayed: its number and why. */
export class InputLineError extends Error {
  constructor(readonly line: number, readonly reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = "InputLineError";
  }
}
