/**
 * Amazon CloudFront standard logs (legacy S3 delivery, W3C, tab-separated). Columns come from the `#Fields:`
 * line, so create one instance per input. cs(User-Agent) is URL-encoded; `x-host-header` is the Host the
 * viewer sent; `cs-bytes` includes headers (not a body size); standard logs have no Location.
 * Reference: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html
 */
import type { LineFormat } from './line-format.js';
import { w3cFormat } from './w3c.js';

export function cloudfrontFormat(): LineFormat {
  return w3cFormat({
    name: 'cloudfront',
    description: 'Amazon CloudFront standard log (W3C, tab-separated, columns from #Fields); no Location',
    capabilities: { location: false, bodySize: false, host: true, duration: true, forwardedFor: true },
    accepts: (fields) => {
      if (!fields.some((f) => f.startsWith('x-edge-'))) return 'the #Fields line is not CloudFront\'s (no x-edge-* field)';
      if (!fields.includes('sc-status') || !fields.includes('cs-method')) return 'the #Fields line has no sc-status or cs-method';
      return null;
    },
    userAgentEncoding: 'percent',
    timeTakenMs: 1000,
  });
}
