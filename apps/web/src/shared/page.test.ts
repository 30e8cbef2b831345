import { describe, expect, it } from 'vitest';
import { describeError, formatNumber, formatSignificant } from './page';

describe('formatNumber', () => {
  it('uses fixed decimals and a real minus sign, and drops the sign of a value that rounds to zero', () => {
    expect(formatNumber(1.23456)).toBe('1.2346');
    expect(formatNumber(-0.25, 2)).toBe('−0.25');
    expect(formatNumber(-0.00001)).toBe('0.0000');
    expect(formatNumber(-0.4, 0)).toBe('0');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(-Infinity)).toBe('-Infinity');
  });
});

describe('describeError', () => {
  it('gives the message of an Error and the text of anything else', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('plain')).toBe('plain');
  });
});

describe('formatSignificant', () => {
  it('gives four significant digits, exponents below 0.001, a real minus sign', () => {
    expect(formatSignificant(0.123456)).toBe('0.1235');
    expect(formatSignificant(-12.3456)).toBe('−12.35');
    expect(formatSignificant(-0.000012346)).toBe('−1.235e-5');
    expect(formatSignificant(0)).toBe('0');
    expect(formatSignificant(1234567)).toBe('1.235e6');
    expect(formatSignificant(Number.NaN)).toBe('NaN');
  });
});
