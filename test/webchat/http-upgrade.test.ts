import { connect } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { HttpServer } from '../../src/server/http-server';

/** Sends raw bytes to 127.0.0.1:port and returns the first line of the answer. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (data: Buffer) => {
      resolve(data.toString('latin1').split('\r\n')[0] ?? '');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('shared HTTP server: upgrades and odd request targets', () => {
  let server: HttpServer;
  let port = 0;
  const wss = new WebSocketServer({ noServer: true });

  beforeEach(async () => {
    server = new HttpServer();
    server.upgrade('/echo', (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => ws.on('message', (m: Buffer) => ws.send(m))));
    port = await server.listen(0, '127.0.0.1');
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers a target no URL parser takes ("//") with 400 instead of crashing, and keeps serving', async () => {
    expect(await rawRequest(port, 'GET // HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawRequest(port, 'GET //a:b@/x HTTP/1.1\r\nHost: x\r\n\r\n')).toBe('HTTP/1.1 400 Bad Request');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('hands WebSocket upgrades on a registered path to its handler and refuses others with 404', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/echo`);
    await new Promise((resolve) => ws.once('open', resolve));
    const echoed = new Promise<string>((resolve) => ws.once('message', (m: Buffer) => resolve(m.toString('utf8'))));
    ws.send('halo');
    expect(await echoed).toBe('halo');
    const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    expect(await rawRequest(port, `GET /elsewhere HTTP/1.1\r\nHost: x\r\n${upgrade}`)).toBe('HTTP/1.1 404 Not Found');
    expect(await rawRequest(port, `GET // HTTP/1.1\r\nHost: x\r\n${upgrade}`)).toBe('HTTP/1.1 404 Not Found');
    // close() does not wait for the upgraded connection: it is cut.
    const closed = new Promise((resolve) => ws.once('close', resolve));
    const started = Date.now();
    await server.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
