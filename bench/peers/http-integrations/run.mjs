// Same Apollo Server (in-memory schema, no database) behind four HTTP fronts,
// measured alternately in one run: `node run.mjs [--seconds 5] [--rounds 2]`.
import { ApolloServer, HeaderMap } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { expressMiddleware } from '@as-integrations/express5';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import autocannon from 'autocannon';
import express from 'express';
import Fastify from 'fastify';
import { spawn } from 'node:child_process';
import http from 'node:http';

const typeDefs = `type Patient { id: ID! mrn: String! firstName: String! lastName: String! dateOfBirth: String! }
type Query { patients(first: Int!): [Patient!]! }`;
const rows = Array.from({ length: 1000 }, (_, i) => ({
  id: `p${i}`, mrn: `MRN-${String(i).padStart(6, '0')}`, firstName: `Given${i}`, lastName: `Family${i}`, dateOfBirth: '1970-01-01',
}));
const resolvers = { Query: { patients: (_r, { first }) => rows.slice(0, first) } };
const apollo = () => new ApolloServer({ typeDefs, resolvers });

async function serve(kind, port) {
  if (kind === 'standalone') {
    await startStandaloneServer(apollo(), { listen: { port } });
  } else if (kind === 'express5') {
    const server = apollo();
    await server.start();
    const app = express();
    app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(server));
    app.listen(port);
  } else if (kind === 'fastify') {
    const app = Fastify();
    const server = new ApolloServer({ typeDefs, resolvers, plugins: [fastifyApolloDrainPlugin(app)] });
    await server.start();
    await app.register(fastifyApollo(server));
    await app.listen({ port, host: '127.0.0.1' });
  } else {
    // Ours (src/http.ts): node:http in front of executeHTTPGraphQLRequest.
    const server = apollo();
    await server.start();
    http.createServer(async (req, res) => {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const raw = Buffer.concat(chunks).toString('utf8');
      const result = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'POST', headers, search: '', body: raw ? JSON.parse(raw) : raw },
        context: async () => ({}),
      });
      for (const [k, v] of result.headers) res.setHeader(k, v);
      res.statusCode = result.status ?? 200;
      res.end(result.body.kind === 'complete' ? result.body.string : '');
    }).listen(port, '127.0.0.1');
  }
  process.stdout.write('ready\n');
}

function start(kind, port) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL(import.meta.url).pathname, 'serve', kind, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (d) => d.toString().includes('ready') && resolve(child));
    child.on('error', reject);
  });
}

function load(port, seconds) {
  return autocannon({
    url: `http://127.0.0.1:${port}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ patients(first: 50) { id mrn firstName lastName dateOfBirth } }' }),
    connections: 16,
    duration: seconds,
  });
}

const args = process.argv.slice(2);
if (args[0] === 'serve') {
  await serve(args[1], Number(args[2]));
} else {
  const seconds = Number(args[args.indexOf('--seconds') + 1] || 5) || 5;
  const rounds = Number(args[args.indexOf('--rounds') + 1] || 2) || 2;
  const kinds = ['node-http (ours)', 'standalone', 'express5', 'fastify'];
  const results = Object.fromEntries(kinds.map((k) => [k, []]));
  let port = 47100;
  for (let round = 0; round < rounds; round++) {
    for (const kind of kinds) {
      const child = await start(kind.split(' ')[0], ++port);
      await load(port, 1); // warm-up
      const r = await load(port, seconds);
      results[kind].push({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx });
      child.kill();
    }
  }
  console.log('| front | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|');
  for (const kind of kinds) {
    const rs = results[kind];
    const avg = (f) => rs.reduce((a, r) => a + r[f], 0) / rs.length;
    console.log(`| ${kind} | ${avg('rps').toFixed(0)} | ${avg('p50').toFixed(1)} | ${avg('p99').toFixed(1)} | ${rs.reduce((a, r) => a + r.errors, 0)} |`);
  }
}
