// kombify's echo app (kombify/echo-app): what the tests run as the base-homelab `default` app, a
// small HTTP service on PORT (8080) that uses its database for real. GET / answers with the host
// name; GET /db runs one SQL round trip with Debian's psql, connecting with the standard libpq
// variables (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD) — 200 with the server's answer, 503
// with psql's error. GET /health answers ok without the database.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { hostname } from 'node:os';

const port = Number(process.env.PORT ?? 8080);
const send = (res, status, text) =>
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);

createServer((req, res) => {
  if (req.url === '/health') return send(res, 200, 'ok');
  if (req.url === '/db') {
    const sql = "select 'connected as ' || current_user || ' to ' || current_database()";
    execFile('psql', ['-X', '-tA', '-c', sql], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) send(res, 503, `database: ${(stderr || error.message).trim()}`);
      else send(res, 200, stdout.trim());
    });
    return;
  }
  send(res, 200, `echo app on ${hostname()}: ${req.method} ${req.url}`);
}).listen(port, () => process.stdout.write(`echo app listening on :${port}\n`));
