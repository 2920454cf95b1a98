/**
 * Splits a byte stream into lines, in batches. Newlines are found in the bytes and each line is decoded on its
 * own, so a line's string holds only that line (a string cut from a decoded chunk would keep the whole chunk
 * alive for as long as any field of it is kept). UTF-8 sequences never contain the newline byte, so a multi-byte
 * character cannot be split by a cut; a partial last line is carried over to the next chunk; `\r\n` is accepted;
 * a leading UTF-8 BOM is dropped. A line longer than MAX_LINE is cut there.
 */
export interface LineBatch {
  /** Line number of `lines[0]` (1-based). */
  first: number;
  lines: string[];
}

export const MAX_LINE = 1 << 20;

export async function* readLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<LineBatch> {
  let carry: Buffer | null = null;
  let lineNo = 1;
  let start = true;
  for await (const chunk of chunks) {
    let buf: Buffer = chunk;
    if (start) {
      if (carry) {
        buf = Buffer.concat([carry, chunk]);
        carry = null;
      }
      if (buf.length < 3 && buf[0] === 0xef) {
        carry = buf; // too short to tell whether it is a BOM
        continue;
      }
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      if (buf.length > 0) start = false;
    }
    const lines: string[] = [];
    let from = 0;
    let nl = buf.indexOf(10);
    if (carry) {
      // Only the partial line carried over is joined with the head of this chunk, not the whole chunk.
      if (nl < 0) {
        carry = Buffer.concat([carry, buf]);
        if (carry.length > MAX_LINE) {
          lines.push(carry.toString('utf8'));
          carry = null;
        }
        if (lines.length) {
          yield { first: lineNo, lines };
          lineNo += lines.length;
        }
        continue;
      }
      const head = Buffer.concat([carry, buf.subarray(0, nl)]);
      carry = null;
      lines.push(head.toString('utf8', 0, head.length > 0 && head[head.length - 1] === 13 ? head.length - 1 : head.length));
      from = nl + 1;
      nl = buf.indexOf(10, from);
    }
    while (nl >= 0) {
      const end = nl > from && buf[nl - 1] === 13 ? nl - 1 : nl;
      lines.push(buf.toString('utf8', from, end));
      from = nl + 1;
      nl = buf.indexOf(10, from);
    }
    if (from < buf.length) {
      const rest = buf.subarray(from);
      if (rest.length > MAX_LINE) lines.push(rest.toString('utf8'));
      else carry = Buffer.from(rest); // a copy: the chunk itself can go
    }
    if (lines.length) {
      yield { first: lineNo, lines };
      lineNo += lines.length;
    }
  }
  if (carry && carry.length) {
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield { first: lineNo, lines: [carry.toString('utf8', 0, end)] };
  }
}
