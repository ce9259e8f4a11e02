import { startTcpProxy } from './tcp-proxy.js';

/** A Parse message a client sent: the statement name ('' = unnamed) and the start of its text. */
export interface ParseMessage {
  applicationName: string;
  statementName: string;
  text: string;
}

export interface RecordingProxy {
  /** `targetUrl` with host and port replaced by the proxy's. */
  url(targetUrl: string): string;
  /** Every Parse message sent through the proxy so far, with the application_name its connection started with. */
  readonly parses: ParseMessage[];
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

/**
 * A TCP proxy in front of PostgreSQL that reads the frontend side of the wire protocol (v3) of
 * every connection, as a pooler would see it: the startup parameters, then each typed message.
 * It records the Parse messages, so a test can see whether a client names its statements.
 */
export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const parses: ParseMessage[] = [];
  const proxy = await startTcpProxy(targetUrl, ({ client }) => {
    let pending = Buffer.alloc(0);
    let started = false;
    let applicationName = '';
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (!started) {
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          const code = pending.readInt32BE(4);
          if (code !== SSL_REQUEST && code !== GSS_REQUEST && code !== CANCEL_REQUEST) {
            const fields = pending.subarray(8, length - 1).toString('utf8').split('\0');
            for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'application_name') applicationName = fields[i + 1]!;
            started = true;
          }
          pending = pending.subarray(length);
          continue;
        }
        if (pending.length < 5) break;
        const length = pending.readInt32BE(1);
        if (pending.length < length + 1) break;
        if (pending[0] === 0x50 /* 'P' */) {
          const body = pending.subarray(5, length + 1);
          const nameEnd = body.indexOf(0);
          const textEnd = body.indexOf(0, nameEnd + 1);
          parses.push({
            applicationName,
            statementName: body.subarray(0, nameEnd).toString('utf8'),
            text: body.subarray(nameEnd + 1, textEnd).toString('utf8').slice(0, 200),
          });
        }
        pending = pending.subarray(length + 1);
      }
    });
  });
  return { url: proxy.url, parses, close: proxy.close };
}
