import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The offline GraphiQL explorer (EXPLORER=graphiql, the default). Every file the
 * page loads comes from this server: GraphiQL's own UMD bundle (CSS with its
 * fonts inlined as data: URIs) and React 18's UMD bundles, read straight from
 * node_modules, plus a few lines of boot script. No CDN, so it works air-gapped.
 * Subscriptions go over graphql-ws on the same `/graphql` path; the headers
 * editor's JSON travels as the socket's connectionParams (`Authorization` included).
 */

const require = createRequire(import.meta.url);

interface PackageFile {
  /** npm package that ships the file. */
  pkg: string;
  /** Path inside the package (not behind its `exports` map: resolved from package.json's folder). */
  file: string;
  type: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** The browser files of the page, by the name the page asks for (`graphiql/<name>`). */
const VENDOR_FILES: Record<string, PackageFile> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: JS },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: JS },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: JS },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: CSS },
};

/** The prefix every explorer file is served under (relative to the page, so a path prefix in a proxy keeps working). */
export const EXPLORER_ASSET_PREFIX = '/graphiql/';

function packageVersion(pkg: string): { dir: string; version: string } {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { version } = require(manifest) as { version: string };
  return { dir: path.dirname(manifest), version };
}

/** A versioned file name (`graphiql-4.1.2.js`), so browsers may cache it for good and an upgrade is fetched anew. */
function versionedName(name: string, version: string): string {
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${version}${name.slice(dot)}`;
}

const DEFAULT_QUERY = `# Health GraphQL API (GraphiQL served by this server: no
# internet needed).
#
# 1. Sign in: run Login with the Variables tab set to
#    {"input": {"email": "…", "password": "…"}}
# 2. Put the accessToken into the Headers tab:
#    {"Authorization": "Bearer <accessToken>"}
# 3. In production, introspection needs that header:
#    re-fetch the schema (Shift-Ctrl-R) for the docs.
# Subscriptions send the same header over graphql-ws.

mutation Login($input: LoginInput!) {
  login(input: $input) {
    accessToken
    accessTokenExpiresAt
  }
}

query Me {
  me {
    displayName
  }
}
`;

/** Mounts GraphiQL; endpoint and WebSocket URL come from the page's own address. */
const BOOT_SCRIPT = `'use strict';
(function () {
  var endpoint = new URL(window.location.pathname, window.location.href);
  var socket = new URL(endpoint.href);
  socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({ url: endpoint.href, subscriptionUrl: socket.href });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      // Tokens stay in this tab: never written to localStorage.
      shouldPersistHeaders: false,
    }),
  );
})();
`;

const PAGE_CSS = 'html,body,#graphiql{height:100%;margin:0;}';

interface Asset {
  type: string;
  load(): Promise<Buffer | string>;
  /** Versioned vendor files never change under their name; the page and boot script may. */
  immutable: boolean;
}

/** True for a browser navigation (Accept lists text/html), as Apollo decides for its landing page. */
export function wantsHtml(req: http.IncomingMessage): boolean {
  return req.method === 'GET' && /(^|,)\s*text\/html\b/i.test(req.headers.accept ?? '');
}

/** A Host header safe to repeat in the CSP (connect-src for the WebSocket); anything odd leaves it out. */
function socketSources(host: string | undefined): string {
  if (!host || !/^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return '';
  return ` ws://${host} wss://${host}`;
}

export interface Explorer {
  /** The GraphiQL page, for a browser navigating to the GraphQL endpoint. */
  page(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** One of the page's files under EXPLORER_ASSET_PREFIX; false when the path names none. */
  asset(pathname: string, res: http.ServerResponse): Promise<boolean>;
}

export function graphiqlExplorer(): Explorer {
  const assets = new Map<string, Asset>();
  const names: Record<string, string> = {};
  for (const [name, f] of Object.entries(VENDOR_FILES)) {
    const { dir, version } = packageVersion(f.pkg);
    const versioned = versionedName(name, version);
    names[name] = versioned;
    assets.set(versioned, { type: f.type, immutable: true, load: () => readFile(path.join(dir, f.file)) });
  }
  assets.set('boot.js', { type: JS, immutable: false, load: async () => BOOT_SCRIPT });
  assets.set('page.css', { type: CSS, immutable: false, load: async () => PAGE_CSS });
  // Relative URLs: `/graphql` and `/` both resolve them under `/graphiql/`.
  const src = (name: string) => `graphiql/${name}`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Health GraphQL API · GraphiQL</title>
<link rel="stylesheet" href="${src(names['graphiql.css']!)}">
<link rel="stylesheet" href="${src('page.css')}">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${src(names['react.js']!)}"></script>
<script src="${src(names['react-dom.js']!)}"></script>
<script src="${src(names['graphiql.js']!)}"></script>
<script src="${src('boot.js')}"></script>
</body>
</html>
`;

  return {
    page(req, res) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        // Defence in depth for "nothing leaves this server": the browser itself refuses any other origin.
        'content-security-policy': [
          "default-src 'none'",
          "script-src 'self'",
          // CodeMirror and Radix set inline styles.
          "style-src 'self' 'unsafe-inline'",
          "font-src 'self' data:",
          "img-src 'self' data:",
          `connect-src 'self'${socketSources(req.headers.host)}`,
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'",
        ].join('; '),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      res.end(html);
    },
    async asset(pathname, res) {
      const found = assets.get(pathname.slice(EXPLORER_ASSET_PREFIX.length));
      if (!found) return false;
      const body = await found.load();
      res.writeHead(200, {
        'content-type': found.type,
        'cache-control': found.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(body);
      return true;
    },
  };
}
