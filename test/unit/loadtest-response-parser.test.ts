// The response parser reads a head that repeats the previous one from what it read before (the
// engine's hot path at tens of thousands of responses a second): these pin that a repeated head
// reads exactly as a fresh one, and that a head differing in any byte is read anew.
import { strict as assert } from 'node:assert';
import { ResponseParser } from '../../src/core/loadtest/http';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const head = (extra: string, length: number): string =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

/** Reads one response through a shared read buffer, as the socket channel does; returns what it read. */
function read(p: ResponseParser, text: string, expectBody = true) {
  p.reset(expectBody, true);
  const readBuffer = new Uint8Array(4096);
  const all = bytes(text);
  readBuffer.set(all);
  const done = p.push(readBuffer, all.length);
  readBuffer.fill(0); // what the parser keeps must not be a view on the read buffer
  const r = p.response;
  return { done, status: r?.status, headers: r?.headers, close: r?.close, body: new TextDecoder().decode(r?.body) };
}

describe('the response parser with a repeated head', () => {
  it('reads a head repeated byte for byte as it read it the first time, body included', () => {
    const p = new ResponseParser(true, true);
    const text = `${head('Connection: keep-alive\r\n', 11)}{"ok":true}`;
    const first = read(p, text);
    const again = read(p, text);
    assert.deepEqual(again, first);
    assert.deepEqual(again, {
      done: true,
      status: 200,
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Length', '11'],
        ['Connection', 'keep-alive'],
      ],
      close: false,
      body: '{"ok":true}',
    });
  });

  it('reads anew a head that differs in one byte: another length, Connection: close, another status', () => {
    const p = new ResponseParser(true, true);
    read(p, `${head('Connection: keep-alive\r\n', 11)}{"ok":true}`);
    assert.equal(read(p, `${head('Connection: keep-alive\r\n', 12)}{"ok":false}`).body, '{"ok":false}');
    const closing = read(p, `${head('Connection: close     \r\n', 12)}{"ok":false}`);
    assert.equal(closing.close, true);
    assert.deepEqual(closing.headers?.[2], ['Connection', 'close']);
    const busy = read(p, `${head('Connection: keep-alive\r\n', 12).replace('200 OK', '503 No')}{"ok":false}`);
    assert.equal(busy.status, 503);
  });

  it('follows what the request expects, not the previous one: a HEAD after a GET with the same head has no body', () => {
    const p = new ResponseParser(true, true);
    const text = head('', 11);
    assert.equal(read(p, `${text}{"ok":true}`).done, true);
    const r = read(p, text, false);
    assert.equal(r.done, true);
    assert.equal(r.body, '');
  });

  it('still reads a body until the connection closes when a repeated head has no length', () => {
    const p = new ResponseParser(true, true);
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n';
    for (let i = 0; i < 2; i++) {
      p.reset(true, true);
      assert.equal(p.push(bytes(`${text}part`)), false);
      assert.equal(p.end(), true);
      assert.equal(p.response?.close, true);
      assert.equal(new TextDecoder().decode(p.response?.body), 'part');
    }
  });
});
