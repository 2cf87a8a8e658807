/**
 * The live dashboard over HTTP: `GET /dashboard` is one static page (no data in it, so it is
 * served without a key and asks for one when the data needs it) and `GET /dashboard/data` is
 * the JSON it polls, behind the `routing:read` scope like the other read endpoints.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { Dashboard } from '../../operations/dashboard';

/**
 * Beside this module when run from the sources; in `dashboard/` beside the bundle (dist/cli/),
 * where the build copies it.
 */
const PAGE_CANDIDATES = [new URL('./dashboard.html', import.meta.url), new URL('./dashboard/dashboard.html', import.meta.url)];

export function loadDashboardPage(): string {
  const found = PAGE_CANDIDATES.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new Error(`the dashboard page is missing: looked for ${PAGE_CANDIDATES.map((candidate) => fileURLToPath(candidate)).join(' and ')}`);
  return readFileSync(found, 'utf8');
}

export function registerDashboard(app: FastifyInstance, dashboard: Dashboard, authorize?: onRequestAsyncHookHandler): void {
  // Read once at start-up: nothing touches the disk per request.
  const page = loadDashboardPage();
  app.get('/dashboard', async function dashboardPage(_request, reply) {
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      // Everything the page needs is inline; it talks only to this gateway.
      .header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
      .send(page);
  });
  app.get('/dashboard/data', authorize ? { onRequest: authorize } : {}, async function dashboardData(_request, reply) {
    reply.header('cache-control', 'no-store');
    return dashboard.data();
  });
}
