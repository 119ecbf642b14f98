/** The loopback upstream for the capture benchmark: reads the body, answers a small JSON. Own process. */
import http from 'node:http';

const server = http.createServer((req, res) => {
  let n = 0;
  req.on('data', (c: Buffer) => (n += c.length));
  req.on('end', () => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(`{"ok":true,"received":${n},"id":"ord_123456"}`);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as { port: number }).port });
});
process.on('disconnect', () => process.exit(0));
