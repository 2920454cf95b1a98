/**
 * IIS W3C extended logs (space-separated, `+` for spaces in cs(User-Agent), UTC times, time-taken in ms).
 * Columns come from the `#Fields:` line, so create one instance per input; a file whose records carry only a
 * time takes the date from `#Date:`. IIS does not log the Location; cs-bytes includes headers.
 * References: https://learn.microsoft.com/en-us/windows/win32/http/w3c-logging and
 * https://learn.microsoft.com/en-us/iis/configuration/system.applicationhost/sites/site/logfile/
 */
import type { LineFormat } from './line-format.js';
import { w3cFormat } from './w3c.js';

export function iisFormat(): LineFormat {
  return w3cFormat({
    name: 'iis',
    description: 'IIS (or any) W3C extended log: space-separated, columns from #Fields; no Location',
    capabilities: { location: false, bodySize: false, host: true, duration: true, forwardedFor: false },
    accepts: (fields) => {
      if (fields.some((f) => f.startsWith('x-edge-'))) return 'the #Fields line is CloudFront\'s, not IIS\'s';
      if (!fields.includes('sc-status') || !fields.includes('cs-method')) return 'the #Fields line has no sc-status or cs-method';
      if (!fields.includes('cs-uri-stem') && !fields.includes('cs-uri')) return 'the #Fields line has no cs-uri-stem';
      return null;
    },
    userAgentEncoding: 'plus',
    timeTakenMs: 1,
  });
}
