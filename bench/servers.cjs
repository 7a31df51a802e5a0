// Local servers for the load benchmarks, in a process of their own so they do not share an
// event loop with the generator being measured. `fast PORT`: answers at once; `delay PORT MS`:
// answers after MS milliseconds. Both write each response in one piece with TCP_NODELAY (a
// server that writes in pieces shows ~40 ms of Nagle delay instead of its own latency).
'use strict';
const http = require('node:http');
const [mode, port, ms] = process.argv.slice(2);
const body = '{"sha256":"0000000000000000000000000000000000000000000000000000000000000000","length":10}';
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const send = () => res.end(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    if (mode === 'delay') setTimeout(send, Number(ms));
    else send();
  });
});
server.on('connection', (s) => s.setNoDelay(true));
server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
process.on('disconnect', () => process.exit(0));
