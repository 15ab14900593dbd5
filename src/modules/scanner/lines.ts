/** @module scanner/lines — maps character offsets to 1-based line and column numbers. */

/** Line lookup over one text, built on first use (most scanned texts have no finding). */
export class LineIndex {
  private starts: number[] | null = null;
  constructor(private readonly text: string) {}

  private lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    let at = this.text.indexOf('\n');
    while (at !== -1) {
      starts.push(at + 1);
      at = this.text.indexOf('\n', at + 1);
    }
    return (this.starts = starts);
  }

  /**
   * 0-based line number holding the offset.
   * @example new LineIndex('a\nb').lineOf(2) // 1
   */
  lineOf(offset: number): number {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Start offset of a 0-based line. */
  startOf(line: number): number {
    return this.lineStarts()[line] ?? this.text.length;
  }

  /** The text of a 0-based line, without its newline (or carriage return). */
  lineText(line: number): string {
    const start = this.startOf(line);
    let end = this.text.indexOf('\n', start);
    if (end === -1) end = this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }
}
