import type { TranscriptLine } from '../../protocol/index.ts';

const MAX_TEXT = 1024;

/** Lines of a session as the user will read them; bounded, so a chatty server cannot grow it. */
export class Transcript {
  readonly lines: TranscriptLine[] = [];
  private dropped = 0;

  constructor(
    private readonly now: () => number,
    private readonly startedAt: number,
    private readonly maxLines = 256,
  ) {}

  add(dir: TranscriptLine['dir'], text: string): TranscriptLine {
    const line = { at_ms: Math.max(0, this.now() - this.startedAt), dir, text: text.slice(0, MAX_TEXT) };
    if (this.lines.length < this.maxLines) this.lines.push(line);
    else this.dropped++;
    return line;
  }

  /** The lines, with a last note when some were dropped. */
  snapshot(): TranscriptLine[] {
    if (this.dropped === 0) return [...this.lines];
    return [...this.lines, { at_ms: this.lines.at(-1)?.at_ms ?? 0, dir: 'i', text: `${this.dropped} more lines not kept` }];
  }
}
