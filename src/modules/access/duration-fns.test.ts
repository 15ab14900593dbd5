import { describe, expect, it } from 'vitest';
import { describeDuration, formatIsoDuration, parseIsoDuration } from './duration-fns.ts';

describe('ISO 8601 durations', () => {
  it('read weeks, days, hours, minutes and seconds', () => {
    expect(parseIsoDuration('PT8H')).toBe(28_800);
    expect(parseIsoDuration('P7D')).toBe(604_800);
    expect(parseIsoDuration('P1DT12H')).toBe(129_600);
    expect(parseIsoDuration('PT30M')).toBe(1800);
    expect(parseIsoDuration('P2W')).toBe(1_209_600);
    expect(parseIsoDuration('pt1h')).toBe(3600);
  });

  it('refuse years, months, fractions, empty designators and garbage', () => {
    for (const s of ['P1Y', 'P1M', 'PT1.5H', 'P', 'PT', 'P1DT', '8h', '', 'P-1D', 'PT8HX']) expect(parseIsoDuration(s), s).toBeNull();
  });

  it('write the shortest form back, and round-trip', () => {
    expect(formatIsoDuration(28_800)).toBe('PT8H');
    expect(formatIsoDuration(604_800)).toBe('P7D');
    expect(formatIsoDuration(129_600)).toBe('P1DT12H');
    expect(formatIsoDuration(90)).toBe('PT1M30S');
    for (const n of [1, 59, 60, 3599, 86_399, 86_400, 2_592_000, 31_622_400]) expect(parseIsoDuration(formatIsoDuration(n))).toBe(n);
  });

  it('say a duration in words', () => {
    expect(describeDuration(28_800)).toBe('8 hours');
    expect(describeDuration(129_600)).toBe('1 day 12 hours');
    expect(describeDuration(60)).toBe('1 minute');
  });
});
