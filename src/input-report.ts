/**
 * What the report says about each input beyond what the analysis copies into it: each skipped line's reason as
 * `{code, detail}` beside its `reason` (schemaVersion 1: fields are only added), and the entries kept with a
 * part dropped (`notes`). Added after the analysis has built the report, in input order.
 */
import type { InputStats } from '../core/model.js';
import type { AuditReport } from './report.js';

export function withSkipCodes(report: AuditReport, stats: InputStats[]): AuditReport {
  report.inputs.forEach((input, k) => {
    const s = stats[k];
    if (!s) return;
    input.skippedExamples = input.skippedExamples.map((e, j) => {
      const from = s.skippedExamples[j];
      return from ? { line: e.line, reason: from.reason, code: from.code, detail: from.detail, text: from.text } : e;
    });
    if (s.notes) input.notes = s.notes;
    if (s.extraFields) input.extraFields = s.extraFields;
  });
  return report;
}
