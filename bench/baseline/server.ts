/**
 * The yardstick: a bare node:http server answering a fixed JSON body.
 * `node server.js <port>`. It reads the request body like a real endpoint
 * would, so POST load costs it the same socket work as the service.
 */
import { createServer } from 'node:http';

const BODY = Buffer.from(JSON.stringify({ active: true, token_type: 'Bearer', scope: 'bench', client_id: 'bench' }));
const port = Number(process.argv[2] ?? 0);

createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
    res.end(BODY);
  });
}).listen(port, '127.0.0.1');

process.once('SIGTERM', () => process.exit(0));
