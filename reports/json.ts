/** The JSON report: the report model as it is, versioned by `schemaVersion`. */
import type { AuditReport } from '../src/report.js';

export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
