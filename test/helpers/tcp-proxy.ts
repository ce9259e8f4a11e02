import net from 'node:net';

/** One client connection through the proxy and its connection to PostgreSQL. */
export interface ProxiedConnection {
  client: net.Socket;
  server: net.Socket;
}

export interface TcpProxy {
  /** `targetUrl` with host and port replaced by the proxy's. */
  url(targetUrl: string): string;
  /** The connections open now (a closed one leaves the set). */
  readonly connections: ReadonlySet<ProxiedConnection>;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of the PostgreSQL at `targetUrl`, piping both ways. `onConnection` sees each
 * connection as it opens (to watch what the client sends); a test may also reset the open ones.
 */
export async function startTcpProxy(targetUrl: string, onConnection?: (connection: ProxiedConnection) => void): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const connections = new Set<ProxiedConnection>();
  const proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port || 5432), target.hostname);
    const connection = { client, server };
    connections.add(connection);
    onConnection?.(connection);
    client.pipe(server);
    server.pipe(client);
    const drop = () => {
      connections.delete(connection);
      client.destroy();
      server.destroy();
    };
    client.on('error', drop).on('close', drop);
    server.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as net.AddressInfo;
  return {
    url(url) {
      const through = new URL(url);
      through.hostname = '127.0.0.1';
      through.port = String(port);
      return through.toString();
    },
    connections,
    close() {
      for (const { client, server } of connections) {
        client.destroy();
        server.destroy();
      }
      return new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}
