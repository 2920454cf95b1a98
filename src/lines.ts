/**
 * Splits a byte stream into lines, in batches. Multi-byte characters survive chunk edges (StringDecoder), a
 * partial last line is carried over, and `\r\n` endings are accepted. A line longer than MAX_LINE is cut there.
 */
import { StringDecoder } from 'node:string_decoder';

export interface LineBatch {
  /** Line number of `lines[0]` (1-based). */
  first: number;
  lines: string[];
}

export const MAX_LINE = 1 << 20;

export async function* readLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<LineBatch> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNo = 1;
  let bom = true;
  for await (const chunk of chunks) {
    let text = decoder.write(chunk);
    if (bom) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length) bom = false;
    }
    if (carry) text = carry + text;
    const lines: string[] = [];
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      lines.push(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    carry = start === 0 ? text : text.slice(start);
    if (carry.length > MAX_LINE) {
      lines.push(carry);
      carry = '';
    }
    if (lines.length) {
      yield { first: lineNo, lines };
      lineNo += lines.length;
    }
  }
  carry += decoder.end();
  if (carry) yield { first: lineNo, lines: [carry.endsWith('\r') ? carry.slice(0, -1) : carry] };
}
