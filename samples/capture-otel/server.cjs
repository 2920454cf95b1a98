// The traced server: 301/302/303/307/308 routes on 127.0.0.1, Location set with setHeader; each target answers
// 200 with the method and the body length it received. Prints its port, shuts down (flushing spans) on SIGTERM.
'use strict';
const provider = require('./otel.cjs').setup('redirect-lab', process.argv[2]);
const http = require('node:http'); // required after the instrumentation is registered, so it is patched

const server = http.createServer((req, res) => {
  let body = 0;
  req.on('data', (c) => (body += c.length));
  req.on('end', () => {
    const m = /^\/r(301|302|303|307|308)(\/to)?(\?.*)?$/.exec(req.url);
    if (m && !m[2]) {
      res.statusCode = Number(m[1]);
      res.setHeader('Location', `/r${m[1]}/to${m[3] ?? ''}`);
      res.end();
      return;
    }
    res.statusCode = m ? 200 : 404;
    res.setHeader('Content-Type', 'text/plain');
    res.end(`${req.method} ${req.url} body=${body}\n`);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => provider.shutdown().then(() => process.exit(0))));
