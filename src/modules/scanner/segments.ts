/**
 * @module scanner/segments — cuts text whose lines are very long (minified bundles, data blobs) into
 * overlapping windows, so that no regex ever sees more than a bounded stretch of one line. This is what
 * bounds the cost of polynomial backtracking that the static check lets through.
 */

export interface Segment {
  readonly text: string;
  /** Offset of `text` in the whole. */
  readonly offset: number;
}

export interface SegmentLimits {
  /** Lines longer than this are windowed. */
  readonly maxLineLength: number;
  /** Windows overlap by this much, so a secret shorter than it is never cut in two. */
  readonly overlap: number;
}

export const DEFAULT_SEGMENT_LIMITS: SegmentLimits = { maxLineLength: 16_384, overlap: 1_024 };

/**
 * The text as one segment, or, when a line exceeds the limit, runs of ordinary lines and windows of long lines.
 * @example segmentText('short\nlines', DEFAULT_SEGMENT_LIMITS) // [{ text: 'short\nlines', offset: 0 }]
 */
export function segmentText(text: string, limits: SegmentLimits = DEFAULT_SEGMENT_LIMITS): Segment[] {
  const { maxLineLength, overlap } = limits;
  if (text.length <= maxLineLength) return [{ text, offset: 0 }];
  const out: Segment[] = [];
  let runStart = 0;
  let lineStart = 0;
  let windowed = false;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    if (lineEnd - lineStart > maxLineLength) {
      windowed = true;
      if (lineStart > runStart) out.push({ text: text.slice(runStart, lineStart), offset: runStart });
      const step = maxLineLength - overlap;
      for (let s = lineStart; s < lineEnd; s += step) {
        const e = Math.min(s + maxLineLength, lineEnd);
        out.push({ text: text.slice(s, e), offset: s });
        if (e === lineEnd) break;
      }
      runStart = lineEnd + 1;
    }
    lineStart = lineEnd + 1;
  }
  if (!windowed) return [{ text, offset: 0 }];
  if (runStart < text.length) out.push({ text: text.slice(runStart), offset: runStart });
  return out;
}
