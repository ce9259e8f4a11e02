/**
 * Node CPU per request of our compiled API (Node 24) for one document under load, measured the bench's way
 * (autocannon, 16 connections, CPU time of the server process): used to split a scenario's cost into the
 * fixed cost of any request (`{ __typename }`) and what its selection adds.
 *
 *   node --import tsx bench/experiments/fixed-cost.ts [--profile-dir DIR] [--node-flags='--flag …'] \
 *     <database-url> <document.graphql> [variables-json] [seconds]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runLoad } from '../lib/load.js';
import { node24Path, startOurs } from '../lib/servers.js';

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
  const json = { 'content-type': 'application/json' };
  const login = (await (
    await fetch(`${server.origin}/graphql`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        query: 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }',
        variables: { i: { email: 'physician@northwind.example', password: 'demo-password-2026' } },
      }),
    })
  ).json()) as { data: { login: { accessToken: string } } };
  const request = {
    method: 'POST' as const,
    path: '/graphql',
    headers: { ...json, authorization: `Bearer ${login.data.login.accessToken}` },
    body: JSON.stringify({ query: readFileSync(file, 'utf8'), variables: JSON.parse(variables) as unknown }),
  };
  await runLoad(server, [request], { connections: 16, seconds: 2, measure: false });
  // utime and stime (fields 14 and 15 of /proc/<pid>/stat, clock ticks): how much of the CPU is the kernel's.
  const times = () => readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).map(Number);
  const before = times();
  const sample = await runLoad(server, [request], { connections: 16, seconds: Number(seconds), measure: true });
  const perRequest = (sample.serverCpuSeconds * 1000) / sample.requests;
  const [user, system] = times().map((t, i) => t - before[i]!);
  process.stdout.write(
    `${file}: ${(sample.requests / sample.seconds).toFixed(0)} req/s, Node CPU ${perRequest.toFixed(2)} ms/req (${((100 * system!) / (user! + system!)).toFixed(0)} % kernel), statements ${(sample.statements / sample.requests).toFixed(1)}/req, peak RSS ${(server.peakRss() / 2 ** 20).toFixed(0)} MB, errors ${sample.errors}\n`,
  );
} finally {
  await server.stop();
}
