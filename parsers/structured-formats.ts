/**
 * The formats beyond the access-log presets, in detection order (ties go to the earlier one). Stateless formats
 * are built once; the W3C ones (CloudFront, IIS) remember the `#Fields` line they saw, so every call returns new
 * instances of those and a caller must use one list per input.
 */
import { albFormat } from './alb.js';
import { caddyFormat } from './caddy.js';
import { cloudflareFormat } from './cloudflare.js';
import { cloudfrontFormat } from './cloudfront.js';
import { ecsFormat } from './ecs.js';
import { envoyFormat } from './envoy.js';
import { gcpLoggingFormat } from './gcp-logging.js';
import { gitlabFormat } from './gitlab.js';
import { haproxyFormat } from './haproxy.js';
import { iisFormat } from './iis.js';
import { jsonLinesFormat } from './json-lines.js';
import type { LineFormat } from './line-format.js';
import { pinoHttpFormat } from './pino-http.js';
import { traefikFormat } from './traefik.js';

let text: LineFormat[] | null = null;
let json: LineFormat[] | null = null;

export function structuredFormats(): LineFormat[] {
  text ??= [haproxyFormat(), albFormat()];
  // Specific JSON formats before the generic one: GitLab lines also satisfy nginx-json's common names.
  json ??= [caddyFormat(), traefikFormat(), envoyFormat(), pinoHttpFormat(), gitlabFormat(), gcpLoggingFormat(), cloudflareFormat(), ecsFormat(), jsonLinesFormat()];
  return [...text, cloudfrontFormat(), iisFormat(), ...json];
}
