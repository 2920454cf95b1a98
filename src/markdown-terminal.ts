/**
 * A small Markdown-to-terminal renderer for the prose of `explain` (`findings-prose.ts`): the subset that prose
 * uses, nothing more. `# Title` and `## Heading` become bold lines (when colour is on), paragraphs are re-wrapped
 * at the width with a two-space indent and a blank line between them, `- ` bullets are wrapped under their dash
 * and kept together. Inline text is printed as written (a `code span` keeps its backticks: it reads as such in a
 * terminal); `**strong**` is bold with colour and plain without.
 */

export interface TerminalOptions {
  /** Bold headings (ANSI); the caller decides from NO_COLOR / FORCE_COLOR / TTY. */
  color?: boolean | undefined;
  /** Wrap column; 100 by default. */
  width?: number | undefined;
}

type Block = { kind: 'title' | 'heading' | 'paragraph' | 'bullet'; text: string };

/** The blocks of a document: a line starting `# `, `## ` or `- ` opens one; other lines continue the open one. */
export function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let open: Block | null = null;
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      open = null;
      continue;
    }
    const heading = /^(#{1,2}) (.*)$/.exec(line);
    if (heading) {
      out.push({ kind: heading[1] === '#' ? 'title' : 'heading', text: heading[2]! });
      open = null;
    } else if (line.startsWith('- ')) {
      open = { kind: 'bullet', text: line.slice(2) };
      out.push(open);
    } else if (open) {
      open.text += ` ${line}`;
    } else {
      open = { kind: 'paragraph', text: line };
      out.push(open);
    }
  }
  return out;
}

export function renderMarkdownForTerminal(markdown: string, opts: TerminalOptions = {}): string {
  const width = opts.width ?? 100;
  const bold = (s: string) => (opts.color ? `\x1b[1m${s}\x1b[22m` : s);
  const inline = (s: string) => s.replace(/\*\*([^*]+)\*\*/g, (_, t: string) => bold(t));
  const out: string[] = [];
  let first = true; // the first block of a section
  for (const b of blocks(markdown)) {
    switch (b.kind) {
      case 'title':
      case 'heading':
        if (out.length && out[out.length - 1] !== '') out.push('');
        out.push(bold(b.text));
        if (b.kind === 'title') out.push('');
        first = true;
        break;
      case 'paragraph':
        // A blank line between paragraphs; bullets stay together.
        if (!first) out.push('');
        out.push(...wrap(inline(b.text), width, '  ', '  '));
        first = false;
        break;
      case 'bullet':
        out.push(...wrap(inline(b.text), width, '  - ', '    '));
        first = false;
        break;
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Greedy word wrap with a first-line and a continuation indent. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += empty ? word : ` ${word}`;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}
