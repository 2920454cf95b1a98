/**
 * Fields past a known format: an extended log (`combined` plus `rt=0.004 loc="/x" cl=12`, or plus
 * `"..." 1234 0.005`) read as the preset it starts with parses, and what it adds (Location, body sizes) is
 * dropped without a word. This finds the text after the preset's last field, so the CLI can say how to read it
 * (`--log-format`). Only the text access-log presets are checked: the structured formats know their fields.
 */

const Q = '"(?:[^"\\\\]|\\\\.)*"';
const COMMON = `\\S+ \\S+ \\S+ \\[[^\\]]*\\] ${Q} \\d{3} \\S+`;
const COMBINED = `${COMMON} ${Q} ${Q}`;

/** Each preset's part of a line, anchored at its start. */
const PREFIX: Readonly<Record<string, RegExp>> = {
  common: new RegExp(`^${COMMON}`),
  combined: new RegExp(`^${COMBINED}`),
  'nginx-main': new RegExp(`^${COMBINED} ${Q}`),
  vhost_combined: new RegExp(`^\\S+ ${COMBINED}`),
  'vhost-combined': new RegExp(`^\\S+ ${COMBINED}`),
};

/** The nginx form of each preset, for the suggested `--log-format`. */
const NGINX: Readonly<Record<string, string>> = {
  common: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent',
  combined: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
  'nginx-main':
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"',
  vhost_combined: '$host:$server_port $remote_addr - $remote_user [$time_local] "$request" $status $bytes_sent "$http_referer" "$http_user_agent"',
  'vhost-combined': '$host $remote_addr - $remote_user [$time_local] "$request" $status $bytes_sent "$http_referer" "$http_user_agent"',
};

/** Names an extended log commonly gives its extra fields, and the nginx variable each means. */
const KEYS: Readonly<Record<string, string>> = {
  rt: '$request_time',
  request_time: '$request_time',
  urt: '$upstream_response_time',
  loc: '$sent_http_location',
  location: '$sent_http_location',
  cl: '$content_length',
  content_length: '$content_length',
  rl: '$request_length',
  request_length: '$request_length',
  host: '$host',
  xff: '$http_x_forwarded_for',
  msec: '$msec',
};

/** The text after the preset's last field, or null when the line ends there (or the format is not a preset). */
export function trailingText(format: string, line: string): string | null {
  const re = PREFIX[format];
  if (!re) return null;
  const m = re.exec(line);
  if (!m) return null;
  const rest = line.slice(m[0].length).trim();
  return rest === '' ? null : rest;
}

/**
 * A `--log-format` for a preset followed by `rest`: `key=value` fields with a known key become their variable
 * (`rt=$request_time loc="$sent_http_location"`); anything else is left as `…` for the reader to name.
 */
export function suggestLogFormat(format: string, rest: string): string | null {
  const base = NGINX[format];
  if (!base) return null;
  const tokens = rest.match(/(?:[^\s"]+=)?"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  const parts = tokens.map((t) => {
    const kv = /^([^\s"=]+)=("?)/.exec(t);
    if (kv) {
      const v = KEYS[kv[1]!.toLowerCase()];
      const q = kv[2]!;
      return `${kv[1]}=${q}${v ?? '…'}${q}`;
    }
    return t.startsWith('"') ? '"…"' : '…';
  });
  return `${base} ${parts.join(' ')}`;
}
