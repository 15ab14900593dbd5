/**
 * @module bench/authorizer/load — a small loopback load generator (plain Node, no dependencies):
 * CONNECTIONS keep-alive connections send REQUESTS POSTs in total (WARMUP more first, not measured)
 * and report requests/s, decisions/s and latency. MODE=single sends one question per request to
 * /api/v1/authorize, MODE=batch sends BATCH questions per request to /api/v1/authorize/batch, and
 * MODE=me GETs /api/v1/me (the cost of an authenticated request without a decision, for comparison).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';

const env = process.env;
const base = new URL(env.TARGET_URL);
const mode = env.MODE ?? 'single';
const connections = Number(env.CONNECTIONS ?? 16);
const total = Number(env.REQUESTS ?? 10_000);
const warmup = Number(env.WARMUP ?? 1000);
const batch = Number(env.BATCH ?? 100);
const questions = JSON.parse(readFileSync(env.QUESTIONS, 'utf8'));
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const path = mode === 'batch' ? '/api/v1/authorize/batch' : mode === 'me' ? '/api/v1/me' : '/api/v1/authorize';

let next = 0;
const bodyFor = (i) => {
  if (mode !== 'batch') return JSON.stringify(questions[(i * 7919) % questions.length]);
  const start = (i * batch) % questions.length;
  return JSON.stringify({ questions: Array.from({ length: batch }, (_, k) => questions[(start + k) % questions.length]) });
};

function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: base.hostname, port: base.port, path, method: mode === 'me' ? 'GET' : 'POST', agent,
      headers: mode === 'me'
        ? { authorization: `Bearer ${env.TOKEN}` }
        : { authorization: `Bearer ${env.TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(mode === 'me' ? undefined : body);
  });
}

async function run(count, record) {
  next = 0;
  const statuses = {};
  const lat = [];
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const body = bodyFor(i);
      const t = performance.now();
      const status = await post(body);
      if (record) lat.push(performance.now() - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  return { seconds: (performance.now() - t0) / 1000, statuses, lat };
}

await run(warmup, false);
const { seconds, statuses, lat } = await run(total, true);
lat.sort((a, b) => a - b);
const at = (p) => Number(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(2));
const perRequest = mode === 'batch' ? batch : mode === 'me' ? 0 : 1;
console.log(JSON.stringify({
  mode, connections, requests: total, clientCpuUsPerRequest: Math.round((process.cpuUsage().user + process.cpuUsage().system) / (total + warmup)), decisions: total * perRequest, seconds: Number(seconds.toFixed(2)),
  requestsPerSecond: Math.round(total / seconds), decisionsPerSecond: Math.round((total * perRequest) / seconds),
  latency_ms: { p50: at(0.5), p99: at(0.99) }, statuses,
}));
agent.destroy();
