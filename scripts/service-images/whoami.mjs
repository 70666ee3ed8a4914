// kombify's `whoami`: a small HTTP echo service (the role of traefik/whoami): answers every request
// with the host name, its addresses and the request line and headers. PORT (80) or --port.
import { createServer } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

const flag = process.argv.indexOf('--port');
const port = Number(
  flag > 0 ? process.argv[flag + 1] : (process.env.WHOAMI_PORT_NUMBER ?? process.env.PORT ?? 80),
);
const ips = () =>
  Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && !a.internal)
    .map((a) => a.address);
createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200).end('ok\n');
    return;
  }
  const lines = [`Hostname: ${hostname()}`, ...ips().map((ip) => `IP: ${ip}`)];
  lines.push(`RemoteAddr: ${req.socket.remoteAddress}:${req.socket.remotePort}`);
  lines.push(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`${lines.join('\n')}\n`);
}).listen(port, () => process.stdout.write(`whoami listening on :${port}\n`));
