import { describe, expect, it } from 'vitest';
import { formatDuration, parseDurationSeconds } from '../../functions/domain/duration.js';

describe('durations', () => {
  it.each([
    ['PT1H', 3600],
    ['PT15M', 900],
    ['PT30S', 30],
    ['P3D', 259_200],
    ['P1DT12H', 129_600],
    ['P2W', 1_209_600],
    ['72h', 259_200],
    ['15m', 900],
    ['1h30m', 5400],
    ['2d', 172_800],
    ['1w', 604_800],
    ['45s', 45],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each(['', 'P', 'PT', 'P1M', 'P1Y', '1y', '3 months', '0h', 'PT0S', 'h', '-1h', '1.5h', 'PT1H30', 'soon'])('refuses %j', (text) => {
    expect(parseDurationSeconds(text)).toBeUndefined();
  });

  it('formats seconds for people', () => {
    expect(formatDuration(3600)).toBe('1h');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(259_200)).toBe('3d');
    expect(formatDuration(0)).toBe('0s');
  });
});
