import { describe, expect, it } from 'vitest';
import { type InputLine, InputLineProblem, inputLines } from './input-lines.js';

async function* from(...chunks: (string | Uint8Array)[]) {
  yield* chunks;
}

/** Every chunk's lines, as `[number, text]` pairs per chunk. */
async function read(
  input: AsyncIterable<string | Uint8Array>,
  max?: number,
): Promise<[number, string][][]> {
  const out: [number, string][][] = [];
  for await (const lines of inputLines(input, max)) {
    out.push(lines.map((l: InputLine) => [l.number, l.text]));
  }
  return out;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('inputLines', () => {
  it('numbers lines across chunks, one array per chunk that ends a line', async () => {
    expect(await read(from('a\nb', 'c\n', 'd', '\ne\nf'))).toEqual([
      [[1, 'a']],
      [[2, 'bc']],
      [
        [3, 'd'],
        [4, 'e'],
      ],
      [[5, 'f']],
    ]);
  });

  it('reads UTF-8 bytes split inside a character', async () => {
    const all = bytes('é🙂\nx\n');
    const chunks = Array.from(all, (_, i) => all.subarray(i, i + 1));
    expect((await read(from(...chunks))).flat()).toEqual([
      [1, 'é🙂'],
      [2, 'x'],
    ]);
  });

  it('drops a byte order mark at the start only', async () => {
    expect((await read(from(bytes('\uFEFFa\n\uFEFFb\n')))).flat()).toEqual([
      [1, 'a'],
      [2, '\uFEFFb'],
    ]);
  });

  it('names the line that is not UTF-8', async () => {
    const input = from(bytes('ok\nfine\n'), new Uint8Array([0x61, 0xc3, 0x0a, 0x62, 0x0a]));
    await expect(read(input)).rejects.toMatchObject({ line: 3, constructor: InputLineProblem });
  });

  it('refuses a line longer than the limit, naming it', async () => {
    await expect(read(from('ab\n', 'cdefgh'), 4)).rejects.toMatchObject({
      line: 2,
      problem: expect.stringContaining('longer than 4 bytes'),
    });
    await expect(read(from(bytes('ab\n'), bytes('cdefgh')), 4)).rejects.toMatchObject({ line: 2 });
    expect((await read(from('abcd\n'), 4)).flat()).toEqual([[1, 'abcd']]);
  });

  it('yields nothing for an empty input, and an empty line for a lone newline', async () => {
    expect(await read(from())).toEqual([]);
    expect(await read(from('\n'))).toEqual([[[1, '']]]);
  });
});
