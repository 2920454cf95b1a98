/**
 * The named access-log presets. Each is only a format string for the one compiler in `log-format.ts`; a user's
 * own `--log-format` string is compiled the same way.
 */
import { compileLogFormat, type CompiledFormat } from './log-format.js';

export const ACCESS_LOG_PRESETS: readonly { name: string; format: string; description: string; syntax?: 'nginx' }[] = [
  {
    // The default log-format-upstream of the Kubernetes ingress-nginx controller
    // (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/log-format/).
    name: 'ingress-nginx',
    format:
      '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id',
    description: 'Kubernetes ingress-nginx default (combined, then request length and time, upstream fields, request id)',
    syntax: 'nginx',
  },
  {
    name: 'nginx-main',
    format: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i"',
    description: 'nginx "main" (combined plus "$http_x_forwarded_for")',
  },
  {
    name: 'combined',
    format: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
    description: 'nginx/Apache combined',
  },
  {
    name: 'vhost_combined',
    format: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
    description: 'Apache vhost_combined (host:port first)',
  },
  {
    name: 'vhost-combined',
    format: '%v %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
    description: 'combined with the virtual host first',
  },
  {
    name: 'common',
    format: '%h %l %u %t "%r" %>s %b',
    description: 'NCSA/Apache common (no Referer, no User-Agent)',
  },
];

let compiled: CompiledFormat[] | null = null;

/** The presets, compiled once. */
export function accessLogPresets(): CompiledFormat[] {
  // Written in Apache's syntax, read for nginx's logs too: `%t` is not known to be the start ('either').
  compiled ??= ACCESS_LOG_PRESETS.map((p) => compileLogFormat(p.name, p.format, p.syntax ?? 'either', p.description));
  return compiled;
}
