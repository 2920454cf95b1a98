/**
 * `redirect-audit explain TOPIC`: what a status code, a finding or a verdict means, why it matters, how the tool
 * decides it and what to do about it. The prose is Markdown data (`findings-prose.ts`), rendered for the terminal
 * by `markdown-terminal.ts`; the topics and their groups come from the table of findings (`findings.ts`).
 */
import { FINDINGS, STATUS_TOPICS, VERDICTS } from './findings.js';
import { PROSE } from './findings-prose.js';
import { renderMarkdownForTerminal, wrap, type TerminalOptions } from './markdown-terminal.js';

/** Every topic `explain` knows: status codes, per-pair findings, route and chain findings, verdicts. */
export function explainTopics(): string[] {
  return Object.keys(PROSE);
}

/** The topic names of each group, from the table: what `explain` lists without a topic. */
export function topicGroups(): [string, string[]][] {
  const names = (scopes: string[]) => [...new Set(FINDINGS.filter((f) => scopes.includes(f.scope)).map((f) => f.name))];
  return [
    ['status codes', [...STATUS_TOPICS]],
    ['client findings (per redirect)', names(['pair'])],
    ['server findings (per route or chain)', names(['route', 'chain'])],
    ['client verdicts', [...VERDICTS]],
  ];
}

/** The topics grouped, as terminal text: what `explain` prints without a topic (and after an unknown one). */
export function explainIndex(width = 100): string {
  const out = ['Topics (redirect-audit explain TOPIC):'];
  for (const [name, list] of topicGroups()) {
    out.push('', `${name}:`, ...wrap(list.join(', '), width, '  ', '  '));
  }
  return `${out.join('\n')}\n`;
}

export type ExplainOptions = TerminalOptions;

/** The Markdown of a topic, or null when the topic is unknown. */
export function explainMarkdown(topic: string): string | null {
  const key = topic.trim().toLowerCase();
  return Object.hasOwn(PROSE, key) ? PROSE[key]! : null;
}

/** The explanation of a topic as terminal text, or null when the topic is unknown. */
export function explain(topic: string, opts: ExplainOptions = {}): string | null {
  const md = explainMarkdown(topic);
  return md === null ? null : renderMarkdownForTerminal(md, opts);
}
