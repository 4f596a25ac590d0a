/**
 * A small progress bar on stderr (stdout stays clean for data). On a terminal it redraws one line;
 * otherwise it prints a line at every 10 %.
 */
export class ProgressBar {
  private lastShown = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  update(done: number): void {
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const percent = Math.floor(fraction * 100);
    if (this.stream.isTTY) {
      if (percent === this.lastShown && done < this.total) return;
      const filled = Math.round(fraction * this.width);
      this.stream.write(`\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}] ${String(percent).padStart(3)} % ${done}/${this.total}`);
      if (done >= this.total) this.stream.write('\n');
    } else {
      const step = Math.floor(percent / 10) * 10;
      if (step === this.lastShown) return;
      this.stream.write(`${this.label} ${step} % (${done}/${this.total})\n`);
      this.lastShown = step;
      return;
    }
    this.lastShown = percent;
  }
}
