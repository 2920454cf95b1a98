/**
 * `redirect-audit explain TOPIC`: what a status code, a finding or a verdict means, why it matters, how the tool
 * decides it and what to do about it, as plain text for a terminal. The content follows the domain reference
 * (docs/redirect-semantics.md); the decisions described are the ones in `classify.ts`, `pairing.ts` and
 * `monitoring.ts`. Every name in `PAIR_FINDINGS`, `SERVER_FINDINGS` and `VERDICTS` has an entry (a test checks).
 */
import { PAIR_FINDINGS, VERDICTS } from './classify.js';
import { SERVER_FINDINGS } from './report.js';

/** One titled block of a topic: paragraphs, and lines starting with "- " that become bullets. */
interface Section {
  heading: string;
  text: string[];
}

interface Topic {
  title: string;
  sections: Section[];
}

const WINDOW = 'within the window (--window, 60s by default)';
const CLIENT =
  'A client is the remote address (or the first X-Forwarded-For address with --client-key forwarded-for) plus ' +
  'the User-Agent as logged.';
const FOLLOW_UP =
  `The follow-up of a redirect is the same client's first later request to the Location (resolved against the ` +
  `request's URL) ${WINDOW}; requests to other URLs in between do not break the pair, and a follow-up logged ` +
  `up to --reorder (2s) before its redirect still counts, since logs are written in completion order. When the ` +
  `log does not record Location, the target is inferred (a trailing-slash redirect, a Referer naming the ` +
  `redirecting URL, or the URL most clients of the same route requested next) and the pair is marked inferred.`;
const TRAFFIC =
  'These are known behaviours, useful for labelling and explaining a verdict; the verdict itself always comes ' +
  'from the traffic in the log, never from the User-Agent.';
const VERDICT_TRAFFIC =
  'Verdicts come from the traffic in the log only: the User-Agent labels a client, it never decides what the ' +
  'client did.';
const BODY_SIZE =
  'Needs the request body size in the log (for example $content_length in an nginx log_format, ' +
  'bodySize in a HAR; `redirect-audit formats` shows which formats carry it). Without it the body ' +
  'cannot be judged and the pair is judged on its method alone.';

const CODE_301: Topic = {
  title: '301 Moved Permanently',
  sections: [
    {
      heading: 'Rule',
      text: [
        'The resource has moved for good to the Location. The follow-up keeps the method; historically a POST may ' +
          'become GET, and RFC 9110 allows that. The body goes with the request only if the method is kept. A 301 is ' +
          'cacheable heuristically (RFC 9111 section 4.2.2): caches and browsers may remember it without any ' +
          'Cache-Control or Expires.',
      ],
    },
    {
      heading: 'What clients must do',
      text: [
        'Request the Location. Browsers and Node fetch (the WHATWG Fetch standard) turn a POST into a GET without ' +
          'a body and drop the body headers (Content-Type, Content-Encoding, Content-Language, Content-Location); ' +
          'other methods are kept. Authorization is dropped when the redirect crosses origins.',
      ],
    },
    {
      heading: 'Usual mistakes',
      text: [
        'Clients rarely break 301: rewriting POST to GET is allowed. The mistakes are on the server side: using 301 ' +
          'for a POST endpoint that should keep its method (use 308), or for a move that is not permanent (caches ' +
          'will keep it; use 302 or 307).',
        '- Perl LWP follows only GET and HEAD by default: a redirected POST/PUT/DELETE is left unfollowed.',
        TRAFFIC,
      ],
    },
    {
      heading: 'What redirect-audit reports',
      text: [
        '- method-rewritten-after-301: a POST (or another method besides GET/HEAD) became GET; allowed, reported ' +
          'for information, no violation.',
        '- followed, unfollowed, original-retried: as for any redirect (see `explain followed`).',
        '- Server side: mixed-redirect-codes, masked-failure, long-chain, redirect-loop, missing-location, ' +
          'insecure-downgrade.',
        'A 301 never makes a client mishandles-*; not following it gives does-not-follow.',
      ],
    },
  ],
};

const CODE_302: Topic = {
  title: '302 Found',
  sections: [
    {
      heading: 'Rule',
      text: [
        'A temporary redirect. The follow-up keeps the method; historically a POST may become GET, and RFC 9110 ' +
          'allows that. The body goes with the request only if the method is kept. A 302 is not cacheable ' +
          'without explicit headers.',
      ],
    },
    {
      heading: 'What clients must do',
      text: [
        'Request the Location. Browsers and Node fetch turn a POST into a GET without a body (the body headers go ' +
          'with it); other methods are kept. Because clients differ on POST, a 302 after a POST is ambiguous: say ' +
          'what you mean with 303 (fetch a result with GET) or 307 (repeat the POST).',
      ],
    },
    {
      heading: 'Usual mistakes',
      text: [
        '- Servers answer a form POST with 302 and rely on browsers turning it into GET; scripts and libraries ' +
          'that keep the method then re-send the POST to the result page.',
        '- Perl LWP follows only GET and HEAD by default: a redirected POST/PUT/DELETE is left unfollowed.',
        '- Caching headers (max-age, Expires) on a 302 let caches keep a temporary redirect.',
        TRAFFIC,
      ],
    },
    {
      heading: 'What redirect-audit reports',
      text: [
        '- method-rewritten-after-302: a POST (or another method besides GET/HEAD) became GET; allowed, reported ' +
          'for information, no violation.',
        '- found-after-post: the route answers 302 to POST (server side).',
        '- cacheable-temporary-redirect: the 302 carries max-age/s-maxage or Expires.',
        '- followed, unfollowed, original-retried, and the chain findings as for any redirect.',
        'A 302 never makes a client mishandles-*; not following it gives does-not-follow.',
      ],
    },
  ],
};

const CODE_303: Topic = {
  title: '303 See Other',
  sections: [
    {
      heading: 'Rule',
      text: [
        'The follow-up is a GET (a HEAD stays HEAD), whatever the original method was, and it carries no body. A ' +
          '303 is not cacheable without explicit headers.',
        'This is the Post/Redirect/Get pattern: after a POST, send the client to a result page it fetches with ' +
          'GET, so that a reload does not resubmit the form. A 303 in answer to a GET says "what you want is ' +
          'another resource"; used for canonicalization or a moved resource it sends the wrong signal (301/308 or ' +
          '302/307 are meant).',
      ],
    },
    {
      heading: 'What clients must do',
      text: [
        'Send GET (or HEAD after HEAD) to the Location, with no body and without the body headers (Content-Type, ' +
          'Content-Encoding, Content-Language, Content-Location). Browsers, Node fetch, node-fetch, axios, got, ' +
          'superagent, python-requests, httpx, Go net/http, Java HttpClient and wget all do this by default.',
      ],
    },
    {
      heading: 'Usual mistakes',
      text: [
        '- curl with -X METHOD and -L keeps the method on every hop: a POST or PUT answered by 303 is re-sent as ' +
          'POST/PUT to the result page. (curl -d ... -L without -X is correct.)',
        '- Python urllib does not follow a 303 answered to PUT: the redirect is left unfollowed and the caller ' +
          'gets an error.',
        '- Perl LWP follows only GET and HEAD by default: a 303 after POST/PUT/DELETE is left unfollowed.',
        '- got retries a failed GET follow-up: a 500 after a 303 shows up as three identical requests.',
        '- Server side: 303 used for a canonical or moved URL answered to GET, or a result URL that refuses GET.',
        TRAFFIC,
      ],
    },
    {
      heading: 'What redirect-audit reports',
      text: [
        '- method-kept-after-303: the follow-up was not GET/HEAD (a violation).',
        '- body-kept-after-303: the GET follow-up carried a body (a violation; needs the body size in the log).',
        '- followed: GET or HEAD without a body.',
        '- Verdict mishandles-303 for a client with either violation; does-not-follow for unfollowed or ' +
          'original-retried.',
        '- Server side: see-other-for-get (303 answering GET/HEAD), target-rejects-get (the GET is refused with ' +
          '405), cacheable-temporary-redirect (303 with max-age/Expires).',
      ],
    },
  ],
};

const CODE_304: Topic = {
  title: '304 Not Modified (not a redirect)',
  sections: [
    {
      heading: 'What it is',
      text: [
        'A 304 answers a conditional request (If-None-Match, If-Modified-Since): the client\'s cached copy is ' +
          'still good. It is in the 3xx range but it is not a redirect: it has no Location and there is nothing to ' +
          'follow.',
      ],
    },
    {
      heading: 'What redirect-audit reports',
      text: [
        'Nothing about clients or redirects: a 304 is never paired, never counted as a redirect and never ' +
          'missing-location. It is counted in totals.notModified, and in the monitoring figures as an ordinary ' +
          'successful answer.',
      ],
    },
  ],
};

function keepsMethod(code: 307 | 308): Topic {
  const permanent = code === 308;
  return {
    title: permanent ? '308 Permanent Redirect' : '307 Temporary Redirect',
    sections: [
      {
        heading: 'Rule',
        text: [
          `The follow-up uses the same method with the same body: the client repeats the request unchanged at the ` +
            `Location, so a POST stays a POST, with its body. ` +
            (permanent
              ? 'A 308 is the permanent form (like 301, but the method may not change) and is cacheable ' +
                'heuristically: caches and browsers may remember it without any Cache-Control or Expires.'
              : 'A 307 is the temporary form (like 302, but the method may not change) and is not cacheable ' +
                'without explicit headers.'),
        ],
      },
      {
        heading: 'What clients must do',
        text: [
          'Send the same method and the same body (with its Content-Type) to the Location. Browsers follow ' +
            'silently for fetch() and for a form post; Node fetch, node-fetch, axios, got, superagent, ' +
            'python-requests, httpx, Go net/http, Java HttpClient and wget do it by default. Authorization is ' +
            'dropped when the redirect crosses origins.',
          ...(permanent
            ? []
            : [
                'Chrome shows HSTS upgrades as "307 Internal Redirect" (Non-Authoritative-Reason: HSTS): the ' +
                  'browser made that response itself; no server sent it (see `explain internal-redirect`).',
              ]),
        ],
      },
      {
        heading: 'Usual mistakes',
        text: [
          '- needle (npm) with redirects enabled rewrites every redirect to GET and drops the body unless ' +
            `follow_keep_method is set: POST/PUT/DELETE through a ${code} arrive as GET.`,
          permanent
            ? '- request (npm, deprecated but widely installed) with followAllRedirects turns a 308 into GET ' +
              'without body (it predates 308).'
            : '- request (npm) with followAllRedirects keeps the method on 307 (but breaks 308).',
          `- Python urllib does not follow a ${code} for anything but GET/HEAD: the redirect is left unfollowed ` +
            'and the caller gets an error.',
          '- Perl LWP follows only GET and HEAD by default: every redirected POST/PUT/DELETE is left unfollowed.',
          `- got 15.0.0 to 15.0.6 keeps the method on a cross-origin ${code} but sends it without the body ` +
            '(fixed in 15.0.7): a POST arrives with Content-Length 0.',
          `- Server side: a ${code} to a URL that does not accept the repeated method (405/404/501): the route ` +
            'meant 303.',
          TRAFFIC,
        ],
      },
      {
        heading: 'What redirect-audit reports',
        text: [
          `- method-changed-after-${code}: the follow-up used another method, usually GET (a violation).`,
          `- body-dropped-after-${code}: same method, but the body is gone (a violation; needs the body size).`,
          '- followed: the same method, and the body kept when the sizes are known.',
          `- Verdict mishandles-${code} for a client with either violation; does-not-follow for unfollowed or ` +
            'original-retried.',
          '- Server side: target-rejects-repeated-method' +
            (permanent
              ? '.'
              : ', cacheable-temporary-redirect (307 with max-age/Expires), internal-redirect (browser-made 307 ' +
                'in a HAR).'),
        ],
      },
    ],
  };
}

function methodChanged(code: 307 | 308): Topic {
  return {
    title: `method-changed-after-${code} (violation of ${code})`,
    sections: [
      {
        heading: 'Meaning',
        text: [
          `After a ${code} the client's follow-up used another method than the original request, usually GET ` +
            `instead of POST. ${code} requires the same method with the same body.`,
        ],
      },
      {
        heading: 'Why it matters',
        text: [
          'The request the user made never arrives: a POST becomes a GET of the new URL, the body is lost, and the ' +
            'target often answers with a page or a 405 instead of doing the work. The action silently fails or ' +
            'does something else, while per-request dashboards show two successful answers.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          FOLLOW_UP,
          `The pair is a ${code} whose follow-up's method differs from the redirected request's method. ${CLIENT}`,
          'Known clients that do this: needle with redirects enabled (without follow_keep_method)' +
            (code === 308 ? ', and request (npm) with followAllRedirects on 308.' : '.') +
            ' The traffic decides, not the name.',
        ],
      },
      {
        heading: 'What to do',
        text: [
          `Fix or configure the client (needle: follow_keep_method; request: replace it). If the route really ` +
            `wants the client to fetch a result with GET, answer 303 instead of ${code}.`,
        ],
      },
    ],
  };
}

function bodyDropped(code: 307 | 308): Topic {
  return {
    title: `body-dropped-after-${code} (violation of ${code})`,
    sections: [
      {
        heading: 'Meaning',
        text: [
          `After a ${code} the client repeated the method but not the body: the original request had a body, the ` +
            'follow-up has none.',
        ],
      },
      {
        heading: 'Why it matters',
        text: [
          'The target receives an empty POST/PUT (Content-Length 0): a lost submission, a validation error, or ' +
            'worse an empty record saved, while the logs show the right method at the right URL.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          FOLLOW_UP,
          `The pair is a ${code} whose follow-up has the same method, the original body size is above 0 and the ` +
            `follow-up's body size is 0. ${BODY_SIZE}`,
          `Known client that does this: got 15.0.0 to 15.0.6 on a cross-origin ${code} (fixed in 15.0.7). The ` +
            'traffic decides, not the name.',
        ],
      },
      {
        heading: 'What to do',
        text: ['Upgrade or fix the client (got: 15.0.7 or later). Meanwhile, avoid a cross-origin redirect for that route.'],
      },
    ],
  };
}

function rewritten(code: 301 | 302): Topic {
  return {
    title: `method-rewritten-after-${code} (allowed, for information)`,
    sections: [
      {
        heading: 'Meaning',
        text: [
          `After a ${code} the client turned a POST (or another method besides GET/HEAD) into GET. RFC 9110 allows ` +
            `it for 301 and 302 for historic reasons, and browsers do it, so it is not a violation.`,
        ],
      },
      {
        heading: 'Why it matters',
        text: [
          `It shows that the route leaves the follow-up method to each client: some will repeat the POST, others ` +
            `GET the target. If the difference matters, the code is the wrong one.`,
        ],
      },
      {
        heading: 'How it is decided',
        text: [FOLLOW_UP, `The pair is a ${code} to a method other than GET/HEAD whose follow-up is a GET.`],
      },
      {
        heading: 'What to do',
        text: [
          code === 301
            ? 'Nothing on the client. On the server: use 308 if the method must be kept at the new URL, or 303 if ' +
              'the client should fetch a result with GET.'
            : 'Nothing on the client. On the server: use 303 for Post/Redirect/Get, or 307 if the method must be ' +
              'kept (see `explain found-after-post`).',
        ],
      },
    ],
  };
}

function verdict(code: 303 | 307 | 308): Topic {
  const findings =
    code === 303
      ? 'method-kept-after-303 or body-kept-after-303'
      : `method-changed-after-${code} or body-dropped-after-${code}`;
  const rule = code === 303 ? 'GET without a body' : 'the same method with the same body';
  return {
    title: `mishandles-${code} (client verdict)`,
    sections: [
      {
        heading: 'Meaning',
        text: [
          `The client broke the ${code} rule at least once: its follow-up was not ${rule}. The report gives the ` +
            `counts (violations.${code}, findings) and one example pair per finding, with file and line.`,
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          `A client gets mishandles-${code} when at least one of its pairs is ${findings}. ${CLIENT} A client can ` +
            'have several verdicts; they are listed most serious first (mishandles-303, mishandles-307, ' +
            'mishandles-308, does-not-follow) and the first is "the" verdict.',
          VERDICT_TRAFFIC,
        ],
      },
      {
        heading: 'What to do',
        text: [
          `Read the example pair, find the client behind the address and User-Agent, and fix its redirect ` +
            `handling (see \`explain ${code}\` for the known ways of getting it wrong). --fail-on ${code} or ` +
            `--fail-on violations makes a scheduled run exit 1 when this happens.`,
        ],
      },
    ],
  };
}

const TOPICS: Record<string, Topic> = {
  '301': CODE_301,
  '302': CODE_302,
  '303': CODE_303,
  '304': CODE_304,
  '307': keepsMethod(307),
  '308': keepsMethod(308),

  followed: {
    title: 'followed',
    sections: [
      {
        heading: 'Meaning',
        text: [
          'The client followed the redirect the way its status code requires: GET/HEAD without a body after 303; ' +
            'the same method (and body, when sizes are known) after 307/308; any follow-up after 301/302 unless ' +
            'a POST became GET (that is method-rewritten-after-301/302).',
        ],
      },
      { heading: 'How it is decided', text: [FOLLOW_UP, CLIENT] },
      { heading: 'What to do', text: ['Nothing: this is the correct behaviour.'] },
    ],
  },

  'method-kept-after-303': {
    title: 'method-kept-after-303 (violation of 303)',
    sections: [
      {
        heading: 'Meaning',
        text: ['After a 303 See Other the follow-up was not GET or HEAD: the client kept POST, PUT, DELETE, ...'],
      },
      {
        heading: 'Why it matters',
        text: [
          '303 is Post/Redirect/Get: the follow-up must be a GET of the result page. A client that re-sends the ' +
            'POST submits the form a second time at the result URL (duplicate submissions, double orders), or the ' +
            'result page refuses it with 405 and the action looks failed although it succeeded.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [FOLLOW_UP, `The pair is a 303 whose follow-up's method is neither GET nor HEAD. ${CLIENT}`],
      },
      {
        heading: 'What to do',
        text: [
          'Fix the client. The best known cause is curl -X POST -L (or -X PUT): -X forces the method on every ' +
            'hop; use curl -d ... -L without -X. The traffic decides, not the name. If the route really wants the ' +
            'method repeated, it should answer 307 or 308, not 303.',
        ],
      },
    ],
  },

  'body-kept-after-303': {
    title: 'body-kept-after-303 (violation of 303)',
    sections: [
      {
        heading: 'Meaning',
        text: ['After a 303 the follow-up was a GET, but it carried a body.'],
      },
      {
        heading: 'Why it matters',
        text: [
          'A GET with a body is at best ignored and at worst rejected (400) or handled differently by proxies and ' +
            'caches; it also means the client re-sent the form data, with its body headers, to the result page.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [FOLLOW_UP, `The pair is a 303 whose GET follow-up has a body size above 0. ${BODY_SIZE}`],
      },
      {
        heading: 'What to do',
        text: ['Fix the client: after 303 it must drop the body and the body headers (Content-Type, Content-Encoding, ...).'],
      },
    ],
  },

  'method-changed-after-307': methodChanged(307),
  'method-changed-after-308': methodChanged(308),
  'body-dropped-after-307': bodyDropped(307),
  'body-dropped-after-308': bodyDropped(308),
  'method-rewritten-after-301': rewritten(301),
  'method-rewritten-after-302': rewritten(302),

  unfollowed: {
    title: 'unfollowed',
    sections: [
      {
        heading: 'Meaning',
        text: [`The client made no request to the Location ${WINDOW}.`],
      },
      {
        heading: 'Why it matters',
        text: [
          'The user action never reached its target: the form post, API call or download stopped at the redirect. ' +
            'Per-request dashboards count the 3xx as a success, so the failure is invisible there (see ' +
            '`explain masked-failure`).',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          FOLLOW_UP,
          'A redirect with no follow-up when its window closes is unfollowed, unless the client re-sent the ' +
            'original request instead (original-retried), the Location was already visited in this chain ' +
            '(redirect-loop), or the input ended while the window was still open and the client sent nothing more ' +
            '(open-at-end).',
          'Known clients that leave redirects unfollowed: Python urllib for 307/308 of anything but GET/HEAD and ' +
            'for 303 after PUT; Perl LWP for every redirect of POST/PUT/DELETE. Some clients are simply configured ' +
            'not to follow (curl without -L). The traffic decides, not the name.',
        ],
      },
      {
        heading: 'What to do',
        text: [
          'Enable or implement redirect following in the client (LWP: requests_redirectable; urllib: a custom ' +
            'redirect handler or another library). If the window is too short for slow clients, widen --window. ' +
            'Counts toward the does-not-follow verdict.',
        ],
      },
    ],
  },

  'original-retried': {
    title: 'original-retried',
    sections: [
      {
        heading: 'Meaning',
        text: ['Instead of following, the client sent the original request again (same method, same URL).'],
      },
      {
        heading: 'Why it matters',
        text: [
          'Duplicate-submission risk: every retry of a POST may be processed again (a second order, a second ' +
            'payment), and the client still never reaches the Location.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          FOLLOW_UP,
          'A redirect of an unsafe request (POST, PUT, PATCH, DELETE) with no follow-up is original-retried when, ' +
            'after it, the same client requested the redirecting URL again with the same method (with Location ' +
            'logged: before any request to the Location; without it: among the client\'s requests in the window). ' +
            'A repeated GET is not a retry: a page may request one URL twice and follow both redirects.',
        ],
      },
      {
        heading: 'What to do',
        text: [
          'Fix the client\'s redirect handling (it treats the 3xx as a failure and retries); make the route ' +
            'idempotent (an idempotency key) so retries do no harm. Counts toward the does-not-follow verdict.',
        ],
      },
    ],
  },

  'missing-location': {
    title: 'missing-location',
    sections: [
      {
        heading: 'Meaning',
        text: ['A 3xx (other than 304) without a Location header, in a log that records Location.'],
      },
      {
        heading: 'Why it matters',
        text: [
          'There is nothing to follow: every client stops there, and the user action fails although the response ' +
            'is counted as a success by per-request dashboards.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          'Only when the format records Location (`redirect-audit formats`, or $sent_http_location / %{Location}o ' +
            'in --log-format): a 3xx logged without Location ("-"), or with one that cannot be resolved to a URL. The pair is named ' +
            'missing-location (not held against the client: no verdict changes), and the route gets the server ' +
            'finding missing-location.',
        ],
      },
      {
        heading: 'What to do',
        text: ['Fix the server: every redirect needs a Location. Otherwise answer with a non-3xx status.'],
      },
    ],
  },

  'open-at-end': {
    title: 'open-at-end',
    sections: [
      {
        heading: 'Meaning',
        text: [
          'The input ended while the redirect\'s window was still open and the client sent nothing afterwards: ' +
            'the follow-up may simply be in the next log file. Neither followed nor unfollowed.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          `A redirect with no follow-up at the end of input, whose window (--window) had not closed by the last ` +
            `timestamp read, and after which the client made no request. It counts in totals.openAtEnd, in no ` +
            `verdict and in no success figure.`,
        ],
      },
      {
        heading: 'What to do',
        text: ['Nothing, unless there are many: then include the next log file (several files are merged by time).'],
      },
    ],
  },

  'redirect-loop': {
    title: 'redirect-loop',
    sections: [
      {
        heading: 'Meaning',
        text: [
          'A chain of redirects returns to a URL it already visited (a → b → a), so clients stop following or ' +
            'follow until their limit (20 in browsers) and give up.',
        ],
      },
      {
        heading: 'Why it matters',
        text: [
          'The user never gets a page ("too many redirects"), each lap costs a round trip, and per-request ' +
            'dashboards count every hop as a success.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          'Per pair: a redirect not followed whose Location is a URL the client\'s current chain already visited ' +
            '(without Location logged: the population\'s usual target is where this client just came from). The ' +
            'client is not blamed: it does not count as unfollowed.',
          'Per route: the chain that ended in that loop is counted once, as a failed action, on the route where it ' +
            'started.',
        ],
      },
      {
        heading: 'What to do',
        text: [
          'Fix the redirect rules (often http/https or www/non-www or trailing-slash rules that undo each other); ' +
            'redirect straight to the final URL.',
        ],
      },
    ],
  },

  'see-other-for-get': {
    title: 'see-other-for-get (server side)',
    sections: [
      {
        heading: 'Meaning',
        text: ['A route answers 303 See Other to GET or HEAD.'],
      },
      {
        heading: 'Why it matters',
        text: [
          '303 is for sending a client to a result after a POST (Post/Redirect/Get). For a GET it says "what you ' +
            'want is another resource"; used for a moved or canonical URL it sends the wrong signal: search engines ' +
            'and caches do not treat it as a move, and it is not cacheable.',
        ],
      },
      {
        heading: 'How it is decided',
        text: ['Every 303 response to a GET or HEAD request counts, on the route (method + normalised path) of the request.'],
      },
      {
        heading: 'What to do',
        text: ['Use 301 or 308 for a permanent move or a canonical URL, 302 or 307 for a temporary one.'],
      },
    ],
  },

  'found-after-post': {
    title: 'found-after-post (server side)',
    sections: [
      {
        heading: 'Meaning',
        text: ['A route answers 302 Found to POST.'],
      },
      {
        heading: 'Why it matters',
        text: [
          '302 after POST is ambiguous: browsers turn the POST into GET, but clients may keep the method, so the ' +
            'same form post either fetches the result page or is re-submitted there depending on the client.',
        ],
      },
      {
        heading: 'How it is decided',
        text: ['Every 302 response to a POST counts, on the route of the request.'],
      },
      {
        heading: 'What to do',
        text: [
          'Say what you mean: 303 for Post/Redirect/Get (the follow-up must be a GET; a reload does not resubmit), ' +
            'or 307 to have the POST repeated, with its body, at the new URL.',
        ],
      },
    ],
  },

  'target-rejects-repeated-method': {
    title: 'target-rejects-repeated-method (server side)',
    sections: [
      {
        heading: 'Meaning',
        text: ['After a 307 or 308 the client correctly repeated the method, and the target refused it (405, 404 or 501).'],
      },
      {
        heading: 'Why it matters',
        text: [
          'Correct clients fail and broken ones (that turn POST into GET) appear to work: the route meant 303 and ' +
            'the bug hides behind the clients that mishandle 307/308.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          FOLLOW_UP,
          'The pair is a 307/308 whose follow-up used the same method and got 405, 404 or 501; counted on the ' +
            'route of the redirect.',
        ],
      },
      {
        heading: 'What to do',
        text: ['Answer 303 (send the client to a page it fetches with GET), or make the target accept the method.'],
      },
    ],
  },

  'target-rejects-get': {
    title: 'target-rejects-get (server side)',
    sections: [
      {
        heading: 'Meaning',
        text: ['After a 303 the client correctly sent GET to the Location, and the target refused it with 405.'],
      },
      {
        heading: 'Why it matters',
        text: [
          'The target only accepts the original method: correct clients fail, and only clients that wrongly keep ' +
            'the method after 303 (curl -X POST -L) get through.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [FOLLOW_UP, 'The pair is a 303 whose GET follow-up got 405; counted on the route of the redirect.'],
      },
      {
        heading: 'What to do',
        text: ['The route meant 307 (or 308): repeat the method with its body at the new URL. Or make the target serve GET.'],
      },
    ],
  },

  'mixed-redirect-codes': {
    title: 'mixed-redirect-codes (server side)',
    sections: [
      {
        heading: 'Meaning',
        text: ['One route and method answered with different 3xx codes (say 302 and 307).'],
      },
      {
        heading: 'Why it matters',
        text: [
          'Each code asks for a different follow-up, so the same client behaves differently from one request to ' +
            'the next: usually two servers, two deployments or two code paths disagree.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          'Per route (method + path with ids normalised: /orders/123 is /orders/{id}), the distinct redirect codes ' +
            'seen; the count is the number of codes.',
        ],
      },
      {
        heading: 'What to do',
        text: ['Pick one code per route (see `explain 303`, `explain 307`) and use it everywhere.'],
      },
    ],
  },

  'cacheable-temporary-redirect': {
    title: 'cacheable-temporary-redirect (server side)',
    sections: [
      {
        heading: 'Meaning',
        text: ['A 302, 303 or 307 sent with Cache-Control max-age/s-maxage or Expires.'],
      },
      {
        heading: 'Why it matters',
        text: [
          'Temporary redirects are not cacheable without explicit headers; with them, browsers and CDNs may keep ' +
            'redirecting after the server stopped, and a per-user redirect may be served to other users.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          'A 302/303/307 whose Cache-Control has max-age or s-maxage above 0 (and no no-store, no-cache or ' +
            'private), or with an Expires in the future. Needs the response headers in the input (a HAR, or a ' +
            'log format with $sent_http_cache_control / $sent_http_expires).',
        ],
      },
      {
        heading: 'What to do',
        text: ['Drop max-age/Expires from temporary redirects (or send no-store), or use 301/308 if the move is permanent.'],
      },
    ],
  },

  'masked-failure': {
    title: 'masked-failure (server side and monitoring)',
    sections: [
      {
        heading: 'Meaning',
        text: [
          'A chain whose first answer is a 3xx (counted as "not an error") ends in a 4xx/5xx, or never completes ' +
            '(not followed).',
        ],
      },
      {
        heading: 'Why it matters',
        text: [
          'Per-request dashboards count the redirect as a success, so the failure the user saw is hidden: the ' +
            'apparent success rate (per request) is higher than the effective success rate (per chain, one user ' +
            'action).',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          'Each chain is followed from its first redirect through every follow-up to the final answer. A final ' +
            'answer of 400 or above, or a chain left unfollowed, counts once on the route where the chain started. ' +
            'Chains still open at the end of input (open-at-end) are not counted.',
        ],
      },
      {
        heading: 'What to do',
        text: [
          'Fix the target (or the client, for unfollowed chains), and alert on chains: the effective success in ' +
            'the monitoring section, not on per-request status codes.',
        ],
      },
    ],
  },

  'long-chain': {
    title: 'long-chain (server side)',
    sections: [
      {
        heading: 'Meaning',
        text: ['A chain of redirects with more hops than the limit (--max-hops, 5 by default).'],
      },
      {
        heading: 'Why it matters',
        text: [
          'Each hop costs a round trip (latency per chain grows with it), and clients give up at their limit (20 ' +
            'in Fetch, fewer in some libraries).',
        ],
      },
      {
        heading: 'How it is decided',
        text: ['Hops are counted along a client\'s chain of paired redirects; counted on the route where the chain started.'],
      },
      {
        heading: 'What to do',
        text: ['Redirect straight to the final URL.'],
      },
    ],
  },

  'internal-redirect': {
    title: 'internal-redirect (HAR only)',
    sections: [
      {
        heading: 'Meaning',
        text: [
          'A 307 the browser made itself: Chrome shows HSTS upgrades as "307 Internal Redirect" with ' +
            'Non-Authoritative-Reason: HSTS. No server sent it.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          'A 3xx HAR entry with the status text "Internal Redirect" or a Non-Authoritative-Reason header. It is ' +
            'excluded from pairing and from every server figure, and counted in totals.internalRedirects.',
        ],
      },
      {
        heading: 'What to do',
        text: ['Nothing: reported for information, so the numbers add up.'],
      },
    ],
  },

  'insecure-downgrade': {
    title: 'insecure-downgrade (server side)',
    sections: [
      {
        heading: 'Meaning',
        text: ['A redirect from https to http.'],
      },
      {
        heading: 'Why it matters',
        text: [
          'The follow-up travels unencrypted: cookies, tokens and, after a 307/308, the request body are exposed, ' +
            'and HSTS-protected clients refuse it.',
        ],
      },
      {
        heading: 'How it is decided',
        text: ['A request made over https (the scheme must be known: a HAR or a log with $scheme) whose Location starts with http://.'],
      },
      {
        heading: 'What to do',
        text: ['Redirect to https (usually a proxy that does not know it sits behind TLS: fix X-Forwarded-Proto handling).'],
      },
    ],
  },

  'mishandles-303': verdict(303),
  'mishandles-307': verdict(307),
  'mishandles-308': verdict(308),

  'does-not-follow': {
    title: 'does-not-follow (client verdict)',
    sections: [
      {
        heading: 'Meaning',
        text: [
          'The client left redirects unfollowed: it made no request to the Location within the window, or re-sent ' +
            'the original request instead.',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          'An unsafe request (POST, PUT, ...) was left at its redirect, or the client left at least as many ' +
            'redirects as it followed. A few GETs left alone are not enough: a browser may take the target from its ' +
            'cache, and then no log shows the follow-up. Pairs that are redirect-loop, missing-location or ' +
            'open-at-end do not count: they are not the client\'s doing. It ranks after mishandles-303/307/308.',
          VERDICT_TRAFFIC,
        ],
      },
      {
        heading: 'What to do',
        text: [
          'See `explain unfollowed` and `explain original-retried`. --fail-on does-not-follow or --fail-on ' +
            'unfollowed makes a scheduled run exit 1.',
        ],
      },
    ],
  },

  correct: {
    title: 'correct (client verdict)',
    sections: [
      {
        heading: 'Meaning',
        text: [
          'Every redirect the client received was followed as its code requires, or not held against it ' +
            '(method-rewritten-after-301/302, missing-location, redirect-loop, open-at-end).',
        ],
      },
      {
        heading: 'How it is decided',
        text: [
          'No violation of 303, 307 or 308 and nothing unfollowed or retried. Read it with the counts: a client ' +
            'that never received a 307 has not shown that it handles one, and a verdict resting on two redirects ' +
            'says less than one resting on thousands.',
          VERDICT_TRAFFIC,
        ],
      },
    ],
  },
};

/** Every topic `explain` knows: status codes, per-pair findings, server findings, verdicts. */
export function explainTopics(): string[] {
  return Object.keys(TOPICS);
}

/** The topics grouped, as terminal text: what `explain` prints without a topic (and after an unknown one). */
export function explainIndex(width = 100): string {
  const topics = explainTopics();
  const verdicts = new Set<string>(VERDICTS);
  const groups: [string, string[]][] = [
    ['status codes', topics.filter((t) => /^\d{3}$/.test(t))],
    ['client findings (per redirect)', [...PAIR_FINDINGS]],
    ['server findings (per route or chain)', [...SERVER_FINDINGS]],
    ['client verdicts', topics.filter((t) => verdicts.has(t))],
  ];
  const out = ['Topics (redirect-audit explain TOPIC):'];
  for (const [name, list] of groups) {
    out.push('', `${name}:`, ...wrap(list.join(', '), width, '  ', '  '));
  }
  return `${out.join('\n')}\n`;
}

export interface ExplainOptions {
  /** Bold headings (ANSI); the caller decides from NO_COLOR / FORCE_COLOR / TTY. */
  color?: boolean;
  /** Wrap column; 100 by default. */
  width?: number;
}

/** The explanation of a topic as terminal text, or null when the topic is unknown. */
export function explain(topic: string, opts: ExplainOptions = {}): string | null {
  const key = topic.trim().toLowerCase();
  const t = Object.hasOwn(TOPICS, key) ? TOPICS[key] : undefined;
  if (!t) return null;
  const width = opts.width ?? 100;
  const bold = (s: string) => (opts.color ? `\x1b[1m${s}\x1b[22m` : s);
  const out: string[] = [bold(t.title), ''];
  for (const s of t.sections) {
    out.push(bold(s.heading));
    s.text.forEach((p, i) => {
      if (p.startsWith('- ')) out.push(...wrap(p.slice(2), width, '  - ', '    '));
      else {
        // A blank line between paragraphs; bullets stay together.
        if (i > 0) out.push('');
        out.push(...wrap(p, width, '  ', '  '));
      }
    });
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Greedy word wrap with a first-line and a continuation indent. */
function wrap(text: string, width: number, first: string, rest: string): string[] {
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
