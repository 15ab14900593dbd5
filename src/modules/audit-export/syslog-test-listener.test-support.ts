/**
 * @module audit-export/syslog-test-listener.test-support — a real TCP syslog collector for tests:
 * reads RFC 6587 octet-counted frames, parses each RFC 5424 message strictly (header fields,
 * structured data with its escapes, BOM + UTF-8 message), and closes when the sender has finished.
 */
import net from 'node:net';

export interface ParsedSyslog {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sdId: string;
  params: Record<string, string>;
  msg: string;
  hadBom: boolean;
}

/** Parse one RFC 5424 message with a single SD-ELEMENT; throws on anything that does not conform. */
export function parseRfc5424(buf: Buffer): ParsedSyslog {
  const text = buf.toString('latin1');
  const head = /^<(\d{1,3})>(\d) (\S+) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) /.exec(text);
  if (!head) throw new Error(`not an RFC 5424 header: ${text.slice(0, 80)}`);
  let i = head[0].length;
  if (text[i] !== '[') throw new Error('expected an SD-ELEMENT');
  const idEnd = text.indexOf(' ', i);
  const close = text.indexOf(']', i);
  const sdId = text.slice(i + 1, Math.min(idEnd < 0 ? close : idEnd, close));
  if (!/^[\x21\x23-\x3c\x3e-\x5c\x5e-\x7e]{1,32}$/.test(sdId)) throw new Error(`bad SD-ID ${sdId}`);
  i += 1 + sdId.length;
  const params: Record<string, string> = {};
  while (text[i] === ' ') {
    const eq = text.indexOf('="', i);
    const name = text.slice(i + 1, eq);
    if (!/^[\x21\x23-\x3c\x3e-\x5c\x5e-\x7e]{1,32}$/.test(name)) throw new Error(`bad PARAM-NAME ${name}`);
    let j = eq + 2;
    let value = '';
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new Error('unterminated PARAM-VALUE');
      if (c === '\\' && ['"', '\\', ']'].includes(text[j + 1]!)) {
        value += text[j + 1];
        j += 2;
      } else if (c === '"') break;
      else if (c === ']') throw new Error('unescaped ] in PARAM-VALUE');
      else {
        value += c;
        j += 1;
      }
    }
    params[name] = Buffer.from(value, 'latin1').toString('utf8');
    i = j + 1;
  }
  if (text[i] !== ']') throw new Error('SD-ELEMENT not closed');
  i += 1;
  if (text[i] !== ' ') throw new Error('expected SP before MSG');
  const rest = buf.subarray(i + 1);
  const hadBom = rest[0] === 0xef && rest[1] === 0xbb && rest[2] === 0xbf;
  return {
    pri: Number(head[1]), version: Number(head[2]), timestamp: head[3]!, hostname: head[4]!, appName: head[5]!, procId: head[6]!, msgId: head[7]!,
    sdId, params, msg: (hadBom ? rest.subarray(3) : rest).toString('utf8'), hadBom,
  };
}

/** Split octet-counted frames (RFC 6587 §3.4.1); throws on a malformed length. */
export function splitFrames(data: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const len = data.subarray(i, sp).toString('ascii');
    if (!/^[1-9]\d*$/.test(len)) throw new Error(`bad MSG-LEN at byte ${i}: ${JSON.stringify(len)}`);
    const end = sp + 1 + Number(len);
    if (end > data.length) throw new Error('frame longer than the data');
    frames.push(data.subarray(sp + 1, end));
    i = end;
  }
  return frames;
}

export interface Collector {
  port: number;
  messages: ParsedSyslog[];
  connections: number;
  /** Accept connections but close them at once without reading (a broken collector). */
  refuse: boolean;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1 (random port); each connection's bytes are parsed when the sender ends. */
export async function startCollector(): Promise<Collector> {
  const c: Collector = { port: 0, messages: [], connections: 0, refuse: false, close: async () => undefined };
  const server = net.createServer((socket) => {
    c.connections += 1;
    if (c.refuse) {
      socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => {
      for (const f of splitFrames(Buffer.concat(chunks))) c.messages.push(parseRfc5424(f));
      socket.end();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  c.port = (server.address() as net.AddressInfo).port;
  c.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return c;
}
