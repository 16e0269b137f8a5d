import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  booleanCodec,
  enumCodec,
  integerCodec,
  jsonCodec,
  realCodec,
  textCodec,
} from './codecs.js';

describe('enumCodec', () => {
  it('keeps known values and folds their case', () => {
    const codec = enumCodec('resolution');
    expect(codec.decode('dialog')).toEqual({ value: 'dialog' });
    expect(codec.decode('DIALOG')).toEqual({ value: 'dialog' });
    expect(codec.decode('Tensor_Only')).toEqual({ value: 'tensor_only' });
  });

  it('knows the deployed temporal modes pearl and nonlinear', () => {
    const codec = enumCodec('temporalMode');
    expect(codec.decode('pearl').issue).toBeUndefined();
    expect(codec.decode('nonlinear').issue).toBeUndefined();
    expect(codec.decode('PORTAL')).toEqual({ value: 'portal' });
  });

  it('keeps an unknown value as it is and flags it unknown_enum', () => {
    expect(enumCodec('temporalMode').decode('Quantum')).toEqual({
      value: 'Quantum',
      issue: 'unknown_enum',
    });
    expect(enumCodec('status').decode('paused')).toEqual({
      value: 'paused',
      issue: 'unknown_enum',
    });
  });

  it('decodes null as null without an issue', () => {
    expect(enumCodec('status').decode(null)).toEqual({ value: null });
  });

  it('encodes values unchanged', () => {
    expect(enumCodec('status').encode('completed')).toBe('completed');
    expect(enumCodec('status').encode(null)).toBeNull();
    expect(enumCodec('status').encode(undefined)).toBeNull();
  });
});

describe('number codecs', () => {
  it('decode numbers, bigints and numeric strings', () => {
    expect(integerCodec.decode(42)).toEqual({ value: 42 });
    expect(integerCodec.decode(42n)).toEqual({ value: 42 });
    expect(integerCodec.decode('17')).toEqual({ value: 17 });
    expect(realCodec.decode(' 0.25 ')).toEqual({ value: 0.25 });
    expect(realCodec.decode('1e3')).toEqual({ value: 1000 });
    expect(realCodec.decode(null)).toEqual({ value: null });
  });

  it('flag non-numeric text as invalid_type', () => {
    for (const raw of ['abc', '', '   ', 'NaN', 'Infinity']) {
      expect(realCodec.decode(raw), JSON.stringify(raw)).toEqual({
        value: null,
        issue: 'invalid_type',
      });
    }
    expect(integerCodec.decode(new Uint8Array([1]))).toEqual({
      value: null,
      issue: 'invalid_type',
    });
  });

  it('property: numeric strings decode to the number they denote', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(realCodec.decode(String(n)).value).toBe(Number(String(n)));
      }),
    );
  });

  it('encode integers truncated and reals unchanged', () => {
    expect(integerCodec.encode(3.9)).toBe(3);
    expect(realCodec.encode(3.9)).toBe(3.9);
    expect(integerCodec.encode(null)).toBeNull();
  });
});

describe('booleanCodec', () => {
  it('decodes 0/1 (numbers, bigints and text) to booleans', () => {
    expect(booleanCodec.decode(1)).toEqual({ value: true });
    expect(booleanCodec.decode(0)).toEqual({ value: false });
    expect(booleanCodec.decode(1n)).toEqual({ value: true });
    expect(booleanCodec.decode(0n)).toEqual({ value: false });
    expect(booleanCodec.decode('1')).toEqual({ value: true });
    expect(booleanCodec.decode('TRUE')).toEqual({ value: true });
    expect(booleanCodec.decode('false')).toEqual({ value: false });
    expect(booleanCodec.decode(null)).toEqual({ value: null });
  });

  it('flags anything else as invalid_type', () => {
    expect(booleanCodec.decode(2)).toEqual({ value: null, issue: 'invalid_type' });
    expect(booleanCodec.decode('yes')).toEqual({ value: null, issue: 'invalid_type' });
  });

  it('encodes to 1/0', () => {
    expect(booleanCodec.encode(true)).toBe(1);
    expect(booleanCodec.encode(false)).toBe(0);
    expect(booleanCodec.encode(null)).toBeNull();
  });
});

describe('jsonCodec', () => {
  it('parses JSON text', () => {
    expect(jsonCodec().decode('{"a":[1,2]}')).toEqual({ value: { a: [1, 2] } });
    expect(jsonCodec().decode(null)).toEqual({ value: null });
    expect(jsonCodec().decode('')).toEqual({ value: null });
  });

  it('flags bad JSON as invalid_json', () => {
    expect(jsonCodec().decode('{not json')).toEqual({ value: null, issue: 'invalid_json' });
    expect(jsonCodec().decode(42)).toEqual({ value: null, issue: 'invalid_json' });
  });

  it('flags JSON the mapper rejects as invalid_json', () => {
    const codec = jsonCodec<number>({ fromJson: (j) => (typeof j === 'number' ? j : null) });
    expect(codec.decode('5')).toEqual({ value: 5 });
    expect(codec.decode('"five"')).toEqual({ value: null, issue: 'invalid_json' });
    expect(codec.decode('null')).toEqual({ value: null });
  });

  it('round-trips JSON values', () => {
    const codec = jsonCodec<unknown>();
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const encoded = codec.encode(value);
        if (value === null) {
          expect(encoded).toBeNull();
          return;
        }
        expect(typeof encoded).toBe('string');
        expect(codec.decode(encoded).value).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('textCodec', () => {
  it('keeps text and stringifies other scalars', () => {
    expect(textCodec.decode('x')).toEqual({ value: 'x' });
    expect(textCodec.decode(12)).toEqual({ value: '12' });
    expect(textCodec.decode(null)).toEqual({ value: null });
    expect(textCodec.encode(undefined)).toBeNull();
  });
});
