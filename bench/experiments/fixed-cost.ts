/**
 * Node CPU per request of our compiled API (Node 24) for one document under load, measured the bench's way
 * (autocannon, 16 connections, CPU time of the server process and of PostgreSQL's backends): used to split a scenario's cost into the
 * fixed cost of any request (`{ __typename }`) and what its selection adds.
 *
 *   node --import tsx bench/experiments/fixed-cost.ts [--profile-dir DIR] [--node-flags='--flag …'] \
 *     <database-url> <document.graphql> [variables-json] [seconds]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runLoad } from '../lib/load.js';
import { cpuTimesOf, loginToOurs, node24Path, startOurs } from '../lib/servers.js';

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'profile-dir': { type: 'string' }, 'node-flags': { type: 'string' } },
});
const [databaseUrl, file, variables = '{}', seconds = '8'] = positionals;
const profileDir = flags['profile-dir'];
const nodeFlags = [...(flags['node-flags']?.split(' ').filter(Boolean) ?? []), ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
if (!databaseUrl || !file) throw new Error('usage: fixed-cost.ts <database-url> <document.graphql> [variables-json] [seconds]');
const server = await startOurs(
  { databaseUrl, organizationId: '', userId: '', billingUserId: '', nurseId: '', poolMax: 10, oursNodeFlags: nodeFlags, oursDatabaseEnv: {}, oursProcesses: 1 },
  'ours',
  await node24Path(),
);
try {
  const token = await loginToOurs(server, 'physician@northwind.example');
  const request = {
    method: 'POST' as const,
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: readFileSync(file, 'utf8'), variables: JSON.parse(variables) as unknown }),
  };
  await runLoad(server, [request], { connections: 16, seconds: 2, measure: false });
  // How much of the CPU is the kernel's (socket writes and the loopback delivery they cause).
  const before = cpuTimesOf(server.pid);
  const sample = await runLoad(server, [request], { connections: 16, seconds: Number(seconds), measure: true });
  const perRequest = (sample.serverCpuSeconds * 1000) / sample.requests;
  const postgresPerRequest = (sample.postgresCpuSeconds * 1000) / sample.requests;
  const after = cpuTimesOf(server.pid);
  const [user, system] = [after.user - before.user, after.system - before.system];
  process.stdout.write(
    `${file}: ${(sample.requests / sample.seconds).toFixed(0)} req/s, Node CPU ${perRequest.toFixed(2)} ms/req (${((100 * system) / (user + system)).toFixed(0)} % kernel), PostgreSQL CPU ${postgresPerRequest.toFixed(2)} ms/req, statements ${(sample.statements / sample.requests).toFixed(1)}/req, peak RSS ${(server.peakRss() / 2 ** 20).toFixed(0)} MB, errors ${sample.errors}\n`,
  );
} finally {
  await server.stop();
}
